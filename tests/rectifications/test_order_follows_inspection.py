"""An order follows its inspection: a re-submission or an amendment changes it (audited, told),
nothing left to put right or a cancelled inspection withdraws it; withdrawn orders ask nothing."""
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.audit.models import AuditEvent
from hygiene.core.periods import parse_period
from hygiene.extensions import db
from hygiene.inspections import review
from hygiene.inspections.models import Inspection
from hygiene.notifications.models import Notification
from hygiene.rankings import services as rankings
from hygiene.rankings.components import Subject
from hygiene.rectifications import reminders, services
from hygiene.rectifications.models import RectificationOrder
from tests.rectifications.conftest import ISSUED, submit

LATER = ISSUED + timedelta(days=1)


def admin():
    user = db.session.scalar(sa.select(User).where(User.username == "admin_a"))
    return Scope.of(user), user


def the_order(order_id) -> RectificationOrder:
    return db.session.get(RectificationOrder, order_id)


def send_back(inspection_id):
    scope, user = admin()
    review.inspection_send_back(scope=scope, actor_id=user.id, inspection=db.session.get(Inspection, inspection_id),
                                comment="复核", now=LATER)


def events(order_id, action):
    return list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.entity_type == "rectification_order", AuditEvent.entity_id == order_id,
        AuditEvent.action == action).order_by(AuditEvent.id)))


def told(kind):
    return db.session.execute(sa.select(Notification.recipient_id, Notification.body).where(
        Notification.kind == kind, Notification.channel == "in_app")).all()


def test_a_resubmission_with_fewer_failures_changes_the_items_audited_and_told_once(order, ctx, world):
    services.order_acknowledge(scope=Scope.of(db.session.get(User, world.user_unit_a1)),
                               user=db.session.get(User, world.user_unit_a1), order=the_order(order.id), now=ISSUED)
    send_back(order.inspection.id)
    submit(order.inspection, floor="fail", refuse="pass", key="k2", now=LATER)
    assert [i.text for i in the_order(order.id).items] == ["地面整洁"]  # even after the receipt was confirmed
    [change] = events(order.id, "update")
    assert change.before == {"items": "地面整洁（−40）；垃圾日产日清（−10）"}
    assert change.after == {"items": "地面整洁（−40）"}
    assert [(who, "1" in body) for who, body in told("order_changed")] == [(world.user_unit_a1, True)]
    services.order_issue_for_inspection(inspection=db.session.get(Inspection, order.inspection.id), actor_id=None,
                                        now=LATER)  # the service runs again: nothing changes, nobody told
    assert len(events(order.id, "update")) == 1 and len(told("order_changed")) == 1


def test_an_all_pass_resubmission_withdraws_the_order_which_then_never_goes_overdue(order, ctx, world):
    send_back(order.inspection.id)
    submit(order.inspection, floor="pass", refuse="pass", key="k2", now=LATER)
    row = the_order(order.id)
    assert (row.status, row.withdrawn_at) == ("withdrawn", LATER)
    assert "无需要整改" in row.withdrawn_reason
    assert events(order.id, "withdraw")[0].after["status"] == "withdrawn"
    assert [who for who, _body in told("order_withdrawn")] == [world.user_unit_a1]
    for day in (4, 7, 8, 20):  # before, on and long after the old deadline (7 Dec)
        reminders.scan_deadlines(now=datetime(2026, 12, day, 1, tzinfo=UTC))
    assert the_order(order.id).overdue_at is None
    assert told("order_due") == [] and told("order_overdue") == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RectificationOrder)) == 1


def test_failing_again_after_a_withdrawal_issues_a_new_order(order, ctx, world):
    send_back(order.inspection.id)
    submit(order.inspection, floor="pass", refuse="pass", key="k2", now=LATER)
    send_back(order.inspection.id)
    submit(order.inspection, floor="fail", refuse="pass", key="k3", now=LATER)
    statuses = db.session.execute(sa.select(RectificationOrder.number, RectificationOrder.status)
                                  .order_by(RectificationOrder.id)).all()
    assert statuses == [(1, "withdrawn"), (2, "issued")]


def test_cancelling_a_sent_back_inspection_withdraws_its_order_with_the_reason(order, ctx, world):
    send_back(order.inspection.id)
    scope, user = admin()
    review.inspection_cancel(scope=scope, actor_id=user.id, inspection=db.session.get(Inspection, order.inspection.id),
                             reason="重复检查", now=LATER)
    row = the_order(order.id)
    assert row.status == "withdrawn" and "重复检查" in row.withdrawn_reason
    [(who, body)] = told("order_withdrawn")
    assert who == world.user_unit_a1 and "重复检查" in body


def test_an_amendment_that_clears_every_failed_item_withdraws_the_open_order(order, ctx, world):
    scope, user = admin()
    inspection = db.session.get(Inspection, order.inspection.id)
    review.inspection_publish(scope=scope, actor_id=user.id, inspection=inspection, now=LATER)
    changes = [dict(item_id=order.inspection.floor, result="pass", findings=0, grade=None, note=""),
               dict(item_id=order.inspection.refuse, result="pass", findings=0, grade=None, note="")]
    review.inspection_amend(scope=scope, user=user, inspection=inspection, changes=changes, reason="误判", now=LATER)
    assert the_order(order.id).status == "withdrawn"


def test_a_withdrawn_order_does_not_count_in_the_on_time_share(order, ctx, world):
    send_back(order.inspection.id)
    submit(order.inspection, floor="pass", refuse="pass", key="k2", now=LATER)
    december = parse_period("2026-12")  # the withdrawn order's deadline, 7 Dec, falls in December
    ranking = rankings.ranking_compute(subject=Subject(world.ta, "villages"), period=december)
    units = rankings.ranking_compute(subject=Subject(world.ta, "units", "catering"), period=december)
    for computed in (ranking, units):
        assert all(r.candidate.components.get("rectification") is None for r in computed.rows)
    assert the_order(order.id).deadline == date(2026, 12, 7)


def test_a_follow_up_order_is_audited_as_issued(order, ctx, world):
    from flask import current_app

    from hygiene.media.intake import PhotoLimits
    from hygiene.media.store import FileSystemStore
    from tests.inspections.conftest import jpeg

    unit = db.session.get(User, world.user_unit_a1)
    store = FileSystemStore(current_app.config["UPLOAD_DIR"])
    services.order_submit_evidence(scope=Scope.of(unit), user=unit, order=the_order(order.id), note="已清理",
                                   photos=[("a.jpg", jpeg(pattern=3))], store=store, limits=PhotoLimits(), now=LATER)
    inspector = db.session.get(User, world.user_inspector_a)
    follow = services.order_reinspect(scope=Scope.of(inspector), user=inspector, order=the_order(order.id),
                                      passed=False, note="仍有垃圾", photos=[], store=store, limits=PhotoLimits(),
                                      now=LATER)
    [issued] = events(follow.id, "issue")
    assert issued.after["follows"] == "〔2026〕第1号" and "地面整洁" in issued.after["items"]
