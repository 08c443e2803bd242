"""The demo is believable on any date it is loaded: every role has real work on its dashboard,
and the trail's times are spread over the months, on working days in office hours."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
import time_machine

from hygiene.clock import local_zone, to_local
from tests.inspections.conftest import inspection  # noqa: F401  (fixture)

DATES = [date(2026, 1, 3), date(2026, 6, 15), date(2026, 11, 29), date(2027, 3, 1)]


def _user(db, username):
    from hygiene.accounts.models import User

    return db.session.scalar(sa.select(User).where(User.username == username))


def _statuses(db, model, clause) -> dict[str, int]:
    return dict(db.session.execute(sa.select(model.status, sa.func.count()).where(clause)
                                   .group_by(model.status)).all())


def _role_work(db, today: date) -> dict[str, dict]:
    """What each demo account's home page and lists count on `today`."""
    from hygiene.access.scope import Scope
    from hygiene.core.dashboard import open_orders, recent_published, work_counts
    from hygiene.inspections.models import Inspection
    from hygiene.inspections.queries import inspection_clause, inspector_agenda
    from hygiene.media.models import Photo
    from hygiene.rectifications.models import RectificationOrder
    from hygiene.rectifications.queries import order_clause

    work = {}
    for username in ("admin", "inspector", "village", "unit"):
        user = _user(db, username)
        scope = Scope.of(user)
        work[username] = {
            **work_counts(scope, today),
            "inspections": _statuses(db, Inspection, inspection_clause(scope)),
            "orders": _statuses(db, RectificationOrder, order_clause(scope)),
            "open_orders": len(open_orders(scope)), "published": len(recent_published(scope))}
        if username == "inspector":
            work[username] |= {k: len(v) for k, v in inspector_agenda(
                scope=scope, user_id=user.id, today=today).items() if isinstance(v, list)}
    submitted = sa.select(Inspection.id).where(Inspection.status == "submitted")
    work["admin"]["flagged_for_review"] = len({
        photo.inspection_id for photo in db.session.scalars(sa.select(Photo).where(
            Photo.inspection_id.in_(submitted))) if "reused" in photo.flags})
    return work


@pytest.mark.parametrize("today", DATES, ids=str)
def test_the_demo_gives_every_role_work_on_any_date(app, db, today):
    from hygiene.audit.models import AuditEvent
    from hygiene.demo import demo_load
    from hygiene.inspections.models import Answer, Inspection
    from hygiene.rankings.models import RankingPublication
    from hygiene.rectifications.models import RectificationOrder
    from hygiene.rectifications.workdays import is_working_day

    moment = datetime.combine(today, time(8, 40), local_zone())
    with time_machine.travel(moment, tick=False), app.app_context():
        assert demo_load()
        db.session.commit()
        work = _role_work(db, today)
        from hygiene.notifications.models import Notification

        # the bell holds the last days' messages, not four months of them
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
            Notification.channel == "in_app", Notification.read_at.is_(None),
            Notification.send_after < moment - timedelta(days=3))) == 0
        admin, inspector, village, unit = (work[k] for k in ("admin", "inspector", "village", "unit"))

        assert admin["to_review"] >= 3 and admin["flagged_for_review"] >= 2, admin
        assert admin["orders_overdue"] and admin["orders_to_reinspect"] and admin["inspections_overdue"], admin
        assert inspector["due_now"] >= 1, inspector
        assert inspector["this_week"] >= 1, inspector  # the next seven days, Sundays included
        for status in ("planned", "submitted", "published"):
            assert village["inspections"].get(status), (status, village)
        assert village["inspections_overdue"] and village["orders_overdue"], village
        for status in ("issued", "evidence_submitted", "closed"):
            assert village["orders"].get(status), (status, village)
        assert village["open_orders"] and village["published"], village
        assert unit["open_orders"] >= 1 and unit["published"] >= 1, unit
        unit_id = _user(db, "unit").unit_id
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer).join(Inspection).where(
            Inspection.unit_id == unit_id, Inspection.status == "published", Answer.result == "fail")), \
            "the restaurant's published inspection has findings"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(RankingPublication))
        from hygiene.creation.models import CreationApplication

        assert db.session.scalar(sa.select(sa.func.count()).select_from(CreationApplication).join(
            Inspection, Inspection.id == CreationApplication.self_inspection_id).where(
            Inspection.self_assessment.is_(True), Inspection.status == "submitted",
            CreationApplication.self_score.is_not(None))) == 1, "one application self-assessed on the phone"

        times = [to_local(at) for at in db.session.scalars(sa.select(AuditEvent.at))]
        assert max(times) < moment, "nothing happens after the demo was loaded"
        assert (today - min(times).date()).days > 90, "three months and more of work"
        odd = [t for t in times if not is_working_day(t.date()) or not time(8) <= t.time() < time(18)]
        assert not odd, f"{len(odd)} events outside office hours, e.g. {odd[:3]}"
        assert len({t.date() for t in times}) >= 40, "the work is spread over the months"
        issued = db.session.scalars(sa.select(RectificationOrder.issued_at)).all()
        assert len({to_local(t).date() for t in issued}) >= 10

        rows = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
        assert demo_load() is False  # idempotent: a second run changes nothing
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == rows


def test_the_trail_says_when_the_change_happened_not_when_it_was_recorded(app, world, inspection):  # noqa: F811
    """Submitting, issuing and publishing at a given `now` (a replayed day, a job's time) put that
    time in the audit trail."""
    from datetime import UTC, timedelta

    from hygiene.access.scope import Scope
    from hygiene.accounts.models import Role
    from hygiene.audit.models import AuditEvent
    from hygiene.extensions import db
    from hygiene.inspections.review import inspection_publish
    from tests.rectifications.conftest import ISSUED, submit

    with app.app_context():
        target = submit(inspection, key="trail")
        inspection_publish(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=world.user_admin_a,
                           inspection=target, now=ISSUED + timedelta(days=1))
        db.session.commit()
        stamped = dict(db.session.execute(sa.select(AuditEvent.action, AuditEvent.at).where(
            AuditEvent.action.in_(("submit", "issue", "publish")))).all())
    assert stamped == {"submit": ISSUED, "issue": ISSUED, "publish": ISSUED + timedelta(days=1)}
    assert all(at.tzinfo == UTC for at in stamped.values())
