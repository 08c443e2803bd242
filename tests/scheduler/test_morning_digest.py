"""The morning digest job lists what each domain's digest source finds due today."""
from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from hygiene.extensions import db
from tests.rectifications.conftest import inspection, order  # noqa: F401  (fixtures)

DEADLINE_DAY = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)  # 09:00 in Beijing on the order's deadline


def test_the_digest_has_the_order_due_today_and_the_open_inspection(app, world, order):  # noqa: F811
    from hygiene.accounts.models import User
    from hygiene.inspections.models import Inspection
    from hygiene.notifications.models import Notification
    from hygiene.scheduler import registered_job
    from hygiene.scheduler.runner import run_job

    with app.app_context():
        submitted = db.session.get(Inspection, order.inspection.id)
        follow_up = Inspection(version_id=submitted.version_id, township_id=world.ta, village_id=world.a1,
                               target_kind="unit", target_id=world.unit_a1, unit_id=world.unit_a1,
                               target_label="甲一村 · a1饭店 复查", planned_date=date(2026, 12, 7),
                               due_date=date(2026, 12, 9))
        follow_up.inspectors = [db.session.get(User, world.user_inspector_a)]
        db.session.add(follow_up)
        db.session.commit()
    assert run_job(app, "morning_digest", registered_job("morning_digest").func, clock=lambda: DEADLINE_DAY)
    with app.app_context():
        digests = {row.recipient_id: row.body for row in db.session.scalars(sa.select(Notification).where(
            Notification.kind == "digest", Notification.channel == "in_app"))}
    assert "〔2026〕第1号" in digests[world.user_unit_a1]  # from the rectifications domain
    assert "甲一村 · a1饭店 复查" in digests[world.user_inspector_a]  # from the inspections domain
