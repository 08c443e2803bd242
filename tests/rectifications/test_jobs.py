"""The sweeps with a fake clock: reminders before a deadline, escalation once it passes."""
from datetime import UTC, datetime

import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.inspections import reminders as inspection_reminders
from hygiene.notifications.models import Notification
from hygiene.rectifications import reminders
from hygiene.rectifications.models import RectificationOrder


def at(day: int, month: int = 12) -> datetime:
    """09:00 Beijing time on a day of 2026."""
    return datetime(2026, month, day, 1, 0, tzinfo=UTC)


SWEEP_KINDS = ("order_due", "order_overdue", "inspection_due", "digest")


def outbox(kind=None):
    """What the sweeps queued (the order's issue is told at once, by the issue itself)."""
    stmt = (sa.select(Notification.kind, Notification.recipient_id)
            .where(Notification.kind.in_(SWEEP_KINDS)).order_by(Notification.id))
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.execute(stmt).all()


def test_the_recipient_is_reminded_three_days_and_one_day_before_once_each(order, ctx, world):
    # the order's deadline is Monday 7 December
    reminders.scan_deadlines(now=at(3))
    assert outbox("order_due") == []
    reminders.scan_deadlines(now=at(4))
    reminders.scan_deadlines(now=at(4))  # a second run of the same sweep
    assert outbox("order_due") == [("order_due", world.user_unit_a1)]
    reminders.scan_deadlines(now=at(6))
    assert outbox("order_due") == [("order_due", world.user_unit_a1)] * 2


def test_a_passed_deadline_marks_the_order_overdue_and_escalates_to_the_admin_once(order, ctx, world):
    reminders.scan_deadlines(now=at(7))  # the deadline day itself is not overdue yet
    assert db.session.get(RectificationOrder, order.id).overdue_at is None
    result = reminders.scan_deadlines(now=at(8))
    assert result["newly_overdue"] == 1
    assert db.session.get(RectificationOrder, order.id).overdue_at == at(8)
    reminders.scan_deadlines(now=at(9))
    assert outbox("order_overdue") == [("order_overdue", world.user_admin_a)]


def test_a_closed_order_is_neither_reminded_nor_escalated(order, ctx, world):
    db.session.get(RectificationOrder, order.id).status = "closed"
    for day in (4, 6, 8):
        reminders.scan_deadlines(now=at(day))
    assert outbox() == []


def test_inspectors_are_reminded_two_days_before_and_on_the_day(inspection, ctx, world):
    # the inspection is due on 30 November
    for day in (27, 28, 28, 29, 30):
        inspection_reminders.scan(now=at(day, 11))
    assert outbox("inspection_due") == [("inspection_due", world.user_inspector_a)] * 2


def test_the_morning_digest_lists_what_is_due_today(order, ctx, world):
    items = reminders.digest_items(now=at(7))
    assert world.user_unit_a1 in items and "〔2026〕第1号" in items[world.user_unit_a1][0]
    overdue = reminders.digest_items(now=at(8))
    assert world.user_admin_a in overdue


def test_from_failed_item_to_the_bell_of_the_admin(order, ctx, world, app):
    from hygiene.notifications.dispatch import dispatch_due
    from hygiene.notifications.queries import unread_count

    reminders.scan_deadlines(now=at(8))
    db.session.commit()
    assert dispatch_due(now=at(8), worker_id="test").sent >= 1
    assert unread_count(world.user_admin_a, now=at(8)) == 1


def test_a_fix_reported_in_time_is_not_overdue_while_it_waits_for_reinspection(order, ctx, world):
    from flask import current_app

    from hygiene.access.scope import Scope
    from hygiene.accounts.models import User
    from hygiene.media.intake import PhotoLimits
    from hygiene.media.store import FileSystemStore
    from hygiene.rectifications.services import order_submit_evidence

    contact = db.session.get(User, world.user_unit_a1)
    row = db.session.get(RectificationOrder, order.id)
    order_submit_evidence(scope=Scope.of(contact), user=contact, order=row, note="已整改", photos=[],
                          store=FileSystemStore(current_app.config["UPLOAD_DIR"]), limits=PhotoLimits(),
                          now=at(3))
    assert reminders.scan_deadlines(now=at(10))["newly_overdue"] == 0
    assert not row.is_overdue(at(10).date()) and outbox("order_overdue") == []


def copy_order(order_id: int, copies: int) -> None:
    """Add open copies of the order: same unit and deadline, numbers and tokens of their own."""
    row = db.session.get(RectificationOrder, order_id)
    for n in range(1, copies + 1):
        db.session.add(RectificationOrder(
            township_id=row.township_id, village_id=row.village_id, unit_id=row.unit_id,
            target_kind=row.target_kind, target_id=row.target_id, target_label=row.target_label,
            inspection_id=row.inspection_id, year=row.year, number=row.number + n, token=f"copy{n}",
            issued_on=row.issued_on, issued_at=row.issued_at, deadline=row.deadline))
    db.session.commit()


def statements_of_scan(count_queries, now) -> int:
    with count_queries() as statements:
        reminders.scan_deadlines(now=now)
    db.session.rollback()
    return statements[0]


def test_the_sweep_needs_no_more_statements_for_many_orders_than_for_one(order, ctx, world, count_queries):
    alone = [statements_of_scan(count_queries, at(day)) for day in (4, 8)]
    copy_order(order.id, 5)
    assert [statements_of_scan(count_queries, at(day)) for day in (4, 8)] == alone
    reminders.scan_deadlines(now=at(4))
    assert outbox("order_due") == [("order_due", world.user_unit_a1)] * 6
    assert reminders.scan_deadlines(now=at(8))["newly_overdue"] == 6
    assert outbox("order_overdue") == [("order_overdue", world.user_admin_a)] * 6


def test_responsible_users_for_a_batch_are_those_of_each_order_alone(world, ctx):
    from types import SimpleNamespace

    from hygiene.accounts.models import User
    from hygiene.rectifications.services import responsible_users, responsible_users_for

    places = [(world.unit_a1, world.a1),  # the unit's own contact
              (world.unit_b1, world.b1),  # a unit nobody is bound to: the village's contact
              (None, world.b1),  # no unit: the village's contact
              (world.unit_a2, world.a2)]  # nobody at all
    orders = [SimpleNamespace(id=n, unit_id=unit, village_id=village)
              for n, (unit, village) in enumerate(places)]

    def ids(users):
        return [user.id for user in users]

    batch = responsible_users_for(orders)
    assert [ids(batch[o.id]) for o in orders] == [ids(responsible_users(o)) for o in orders] == [
        [world.user_unit_a1], [world.user_village_b1], [world.user_village_b1], []]
    db.session.get(User, world.user_unit_a1).active = False  # an inactive contact falls back to the village
    alone = ids(responsible_users(orders[0]))
    assert ids(responsible_users_for(orders)[0]) == alone == [world.user_village_a1]
