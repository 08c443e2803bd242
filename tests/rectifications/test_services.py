"""The life of a rectification order: issue, deadline, evidence, re-inspection, follow-up."""
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.media.intake import PhotoLimits
from hygiene.media.models import Photo
from hygiene.media.store import FileSystemStore
from hygiene.rectifications import services
from hygiene.rectifications.models import RectificationOrder
from tests.inspections.conftest import jpeg
from tests.rectifications.conftest import ISSUED, submit

LATER = ISSUED + timedelta(days=2)


def user(name):
    account = db.session.scalar(sa.select(User).where(User.username == name))
    return Scope.of(account), account


def the_order(order_id) -> RectificationOrder:
    return db.session.get(RectificationOrder, order_id)


def evidence(order_id, note="已清理", photos=None, who="unit_a1"):
    scope, account = user(who)
    services.order_submit_evidence(scope=scope, user=account, order=the_order(order_id), note=note,
                                   photos=photos if photos is not None else [("after.jpg", jpeg(pattern=2))],
                                   store=FileSystemStore(current_app.config["UPLOAD_DIR"]),
                                   limits=PhotoLimits(), now=LATER)


def reinspect(order_id, passed, who="inspector_a"):
    scope, account = user(who)
    return services.order_reinspect(scope=scope, user=account, order=the_order(order_id), passed=passed,
                                    note="复查" if passed else "仍有垃圾", photos=[],
                                    store=FileSystemStore(current_app.config["UPLOAD_DIR"]),
                                    limits=PhotoLimits(), now=LATER + timedelta(days=1))


def test_submitting_failed_items_issues_one_numbered_order_with_a_working_day_deadline(order, ctx):
    row = the_order(order.id)
    assert (row.display_number, row.status, row.issued_on) == ("〔2026〕第1号", "issued", date(2026, 11, 23))
    # both items are "normal": 10 working days from Monday 23 Nov
    assert row.deadline == date(2026, 12, 7)
    assert sorted(i.text for i in row.items) == ["地面整洁", "垃圾日产日清"]
    assert {i.text: str(i.points_lost) for i in row.items} == {"地面整洁": "40.00", "垃圾日产日清": "10.00"}


def test_an_inspection_without_failures_issues_no_order(world, inspection, ctx):
    submit(inspection, floor="pass", refuse="pass")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RectificationOrder)) == 0


def test_numbers_count_up_per_township_and_year(world, inspection, ctx):
    from hygiene.inspections.models import Inspection

    submit(inspection)
    first = db.session.get(Inspection, inspection.id)
    twin = Inspection(version_id=first.version_id, township_id=first.township_id, village_id=first.village_id,
                      target_kind="unit", target_id=first.target_id, unit_id=first.unit_id,
                      target_label="二号", planned_date=first.planned_date, due_date=first.due_date,
                      inspectors=list(first.inspectors))
    db.session.add(twin)
    db.session.flush()
    inspection.id = twin.id
    submit(inspection, key="k2")
    numbers = db.session.scalars(sa.select(RectificationOrder.number).order_by(RectificationOrder.id)).all()
    assert numbers == [1, 2]


def test_the_recipient_reports_the_fix_and_a_passed_reinspection_closes_it(order, ctx):
    evidence(order.id)
    row = the_order(order.id)
    assert row.status == "evidence_submitted" and row.acknowledged_at is not None
    assert db.session.scalar(sa.select(Photo.purpose).where(Photo.order_id == order.id)) == "evidence"
    assert reinspect(order.id, passed=True) is None
    assert (the_order(order.id).status, the_order(order.id).reinspection_passed) == ("closed", True)


def test_a_failed_reinspection_issues_a_linked_follow_up_order(order, ctx):
    evidence(order.id)
    follow = reinspect(order.id, passed=False)
    assert the_order(order.id).status == "superseded"
    assert (follow.parent_id, follow.number, follow.status) == (order.id, 2, "issued")
    assert follow.deadline > the_order(order.id).deadline or follow.deadline >= date(2026, 12, 8)
    assert len(follow.items) == 2


def test_reinspecting_without_evidence_or_twice_is_refused_with_the_reason(order, ctx):
    with pytest.raises(DomainError, match="整改材料|evidence"):
        reinspect(order.id, passed=True)
    evidence(order.id)
    reinspect(order.id, passed=True)
    reinspect(order.id, passed=True)  # the same re-inspection again (a resend): nothing more happens
    assert the_order(order.id).status == "closed"
    with pytest.raises(DomainError, match="办结|closed"):
        reinspect(order.id, passed=False)  # a different verdict on a closed order


def test_evidence_needs_a_note_or_a_photo(order, ctx):
    with pytest.raises(DomainError):
        evidence(order.id, note=" ", photos=[])
    assert the_order(order.id).status == "issued"


def test_only_the_recipient_or_the_office_reports_evidence(order, ctx, world):
    for outsider in ("village_b1", "inspector_a"):
        with pytest.raises(Forbidden):
            evidence(order.id, who=outsider)
    evidence(order.id, who="village_a1")  # the village contact may report for a unit in the village
    with pytest.raises(Forbidden):
        reinspect(order.id, passed=True, who="unit_a1")


def test_deadline_before_the_issue_date_is_refused_and_a_holiday_moves_on(order, ctx):
    scope, admin = user("admin_a")
    with pytest.raises(DomainError, match="早于下发日期|before the issue date"):
        services.order_set_deadline(scope=scope, actor_id=admin.id, order=the_order(order.id),
                                    deadline=date(2026, 11, 20))
    moved = services.order_set_deadline(scope=scope, actor_id=admin.id, order=the_order(order.id),
                                        deadline=date(2026, 12, 5))  # a Saturday
    assert moved and the_order(order.id).deadline == date(2026, 12, 7)
    assert not services.order_set_deadline(scope=scope, actor_id=admin.id, order=the_order(order.id),
                                           deadline=date(2026, 12, 1))


def test_a_sent_back_and_resubmitted_inspection_updates_its_unacknowledged_order(order, ctx, world):
    from hygiene.inspections import review
    from hygiene.inspections.models import Inspection

    scope, admin = user("admin_a")
    review.inspection_send_back(scope=scope, actor_id=admin.id,
                                inspection=db.session.get(Inspection, order.inspection.id), comment="复核")
    submit(order.inspection, floor="fail", refuse="pass", key="k2")
    row = the_order(order.id)
    assert [i.text for i in row.items] == ["地面整洁"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RectificationOrder)) == 1


def test_urgent_items_get_the_shortest_deadline(ctx, world, inspection):
    from hygiene.checklists.models import TemplateItem

    db.session.get(TemplateItem, inspection.floor).severity = "urgent"
    submit(inspection)
    assert db.session.scalar(sa.select(RectificationOrder.deadline)) == date(2026, 11, 25)


def test_a_fix_reported_without_a_receipt_records_the_receipt_at_the_same_moment(order, ctx):
    from zoneinfo import ZoneInfo

    scope, account = user("unit_a1")
    moment = datetime(2026, 11, 25, 15, 47, tzinfo=ZoneInfo("Asia/Shanghai"))  # a local time, as the demo passes
    services.order_submit_evidence(scope=scope, user=account, order=the_order(order.id), note="已清理",
                                   photos=[], store=None, limits=PhotoLimits(), now=moment)
    db.session.flush()
    db.session.expire_all()
    row = the_order(order.id)
    assert row.acknowledged_at == row.evidence_at == moment
