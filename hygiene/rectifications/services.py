"""Rectification orders: issue from failed items, deadlines, evidence, re-inspection."""
from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role, User
from hygiene.audit.services import audit_record
from hygiene.clock import UTCDateTime, local_today
from hygiene.core.once import claim_once, create_once, is_repeat
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.inspections.events import follows_cancel, follows_result
from hygiene.inspections.models import Answer, Inspection
from hygiene.media.intake import PhotoLimits
from hygiene.media.models import Photo
from hygiene.media.services import photos_attach
from hygiene.media.store import PhotoStore
from hygiene.rectifications import notices
from hygiene.rectifications.models import OrderItem, RectificationOrder
from hygiene.rectifications.status import OPEN, REPORT_FIX, WITHDRAW, OrderStatus, reinspection
from hygiene.rectifications.workdays import deadline_after, is_working_day, moved_to_working_day

DEFAULT_WORKING_DAYS = {"urgent": 2, "serious": 5, "normal": 10}


def deadline_days(severities: list[str]) -> int:
    """Working days allowed: the strictest of the items' severities (settings override)."""
    table = {**DEFAULT_WORKING_DAYS, **current_app.config.get("RECTIFY_WORKING_DAYS", {})}
    return min(table.get(s, table["normal"]) for s in severities or ["normal"])


def deadline_fields(issued_on: date, working_days: int) -> dict:
    """An order's deadline columns: the date, how it was counted, whether it is provisional."""
    deadline = deadline_after(issued_on, working_days)
    return {"deadline": deadline.day, "deadline_working_days": working_days,
            "deadline_provisional": deadline.provisional}


@follows_result  # submitting or amending an inspection (inspections/events.py)
def order_issue_for_inspection(*, inspection: Inspection, actor_id: int | None,
                               now: datetime) -> RectificationOrder | None:
    """Keep the inspection's order in line with its failed items (None when nothing failed).

    The first submission with failed items issues the order. A re-submission after a send back,
    or an amendment, changes the items of the order while it is open (audited, and its recipient
    told); when nothing is left to put right the order is withdrawn. A closed or superseded
    order stands: its fix has been checked. An applicant's self-assessment orders nothing."""
    if inspection.self_assessment:
        return None
    failed = _failed_answers(inspection)
    order = db.session.scalar(sa.select(RectificationOrder).where(
        RectificationOrder.inspection_id == inspection.id, RectificationOrder.parent_id.is_(None),
        RectificationOrder.status != OrderStatus.WITHDRAWN).order_by(RectificationOrder.id.desc()).limit(1))
    if order is None:
        return _issue(inspection, failed, actor_id, now) if failed else None
    if not order.is_open:
        return order
    if not failed:
        order_withdraw(order=order, actor_id=actor_id, now=now,
                       reason=_("The inspection was corrected: nothing is left to put right."))
    else:
        _update_items(order, failed, actor_id, now)
    return order


@follows_cancel  # cancelling an inspection (inspections/events.py)
def orders_withdraw_for_inspection(*, inspection: Inspection, actor_id: int | None, reason: str,
                                   now: datetime) -> list[RectificationOrder]:
    """Withdraw the open orders of an inspection that no longer stands (it was cancelled)."""
    orders = list(db.session.scalars(sa.select(RectificationOrder).where(
        RectificationOrder.inspection_id == inspection.id,
        RectificationOrder.status.in_(OPEN)).order_by(RectificationOrder.id)))
    for order in orders:
        order_withdraw(order=order, actor_id=actor_id, now=now, reason=reason)
    return orders


def order_withdraw(*, order: RectificationOrder, actor_id: int | None, reason: str,
                   now: datetime) -> None:
    """Withdraw an open order with the reason shown on it; it never goes overdue or counts
    in rankings, and its recipient is told once."""
    if not WITHDRAW.allows(order.status):
        return
    before = order.status
    order.status, order.withdrawn_at, order.withdrawn_reason = WITHDRAW.target, now, reason
    audit_record(actor_id=actor_id, action="withdraw", record=order, township_id=order.township_id,
                 before={"status": before}, after={"status": WITHDRAW.target, "reason": reason})
    notices.tell_withdrawn(order, responsible_users(order), now)


def _issue(inspection: Inspection, failed: list[Answer], actor_id: int | None,
           now: datetime) -> RectificationOrder:
    issued_on = local_today(now)
    order = RectificationOrder(
        township_id=inspection.township_id, village_id=inspection.village_id,
        unit_id=inspection.unit_id, target_kind=inspection.target_kind,
        target_id=inspection.target_id, target_label=inspection.target_label,
        inspection_id=inspection.id, issued_on=issued_on, issued_at=now, issued_by_id=actor_id,
        **deadline_fields(issued_on, deadline_days([a.item.severity for a in failed])))
    _number_and_add(order)
    _replace_items(order, failed)
    audit_record(actor_id=actor_id, action="issue", record=order, township_id=order.township_id, at=now,
                 after={"number": order.display_number, "deadline": order.deadline.isoformat(),
                        "items": _items_text(order)})
    notices.tell_issued(order, responsible_users(order), now)
    return order


def _failed_answers(inspection: Inspection) -> list[Answer]:
    return [a for a in inspection.answers if a.earned is not None and a.earned < a.item.points]


def _update_items(order: RectificationOrder, failed: list[Answer], actor_id: int | None,
                  now: datetime) -> None:
    """Replace the items when they differ from the failed answers; audit and tell the change."""
    wanted = [(a.item_id, a.note, a.item.points - a.earned) for a in failed]
    if [(i.item_id, i.note, i.points_lost) for i in order.items] == wanted:
        return
    before = _items_text(order)
    _replace_items(order, failed)
    event = audit_record(actor_id=actor_id, action="update", record=order, township_id=order.township_id,
                         before={"items": before}, after={"items": _items_text(order)})
    db.session.flush()
    notices.tell_items_changed(order, responsible_users(order), event.id, now)


def _items_text(order: RectificationOrder) -> str:
    """The order's items as one line for the audit trail: 地面整洁（−40）；垃圾日产日清（−10）."""
    return "；".join(f"{i.text}（−{i.points_lost.normalize():f}）" for i in order.items)


def _replace_items(order: RectificationOrder, failed: list[Answer]) -> None:
    for item in list(order.items):
        db.session.delete(item)
    db.session.flush()
    for answer in failed:
        db.session.add(OrderItem(order_id=order.id, item_id=answer.item_id, text=answer.item.text,
                                 note=answer.note, points_lost=answer.item.points - answer.earned,
                                 severity=answer.item.severity))
    db.session.flush()
    db.session.refresh(order)


def _number_and_add(order: RectificationOrder) -> None:
    """Give the order the township's next number of the year; a concurrent issue retries."""
    order.year = order.issued_on.year
    for _attempt in range(5):
        order.number = 1 + (db.session.scalar(sa.select(sa.func.max(RectificationOrder.number)).where(
            RectificationOrder.township_id == order.township_id,
            RectificationOrder.year == order.year)) or 0)
        order.token = secrets.token_urlsafe(9)[:12]
        try:
            with db.session.begin_nested():
                db.session.add(order)
                db.session.flush()
            return
        except IntegrityError:
            continue
    raise DomainError(_("Could not number the order; please try again."))


def order_set_deadline(*, scope: Scope, actor_id: int, order: RectificationOrder,
                       deadline: date) -> bool:
    """Set a new deadline; returns True when a holiday moved it to the next working day."""
    _check_office(scope, order)
    if not order.is_open:
        raise DomainError(_("The order is closed; its deadline no longer matters."))
    if deadline < order.issued_on:
        raise DomainError(_("The deadline cannot be before the issue date (%(date)s).",
                            date=order.issued_on.isoformat()), field="deadline")
    moved = not is_working_day(deadline)
    before, chosen = order.deadline, moved_to_working_day(deadline)
    order.deadline, order.deadline_provisional = chosen.day, chosen.provisional
    order.deadline_working_days = None  # the office's date, no longer counted from issued_on
    order.overdue_at = order.overdue_at if order.deadline < local_today() else None
    audit_record(actor_id=actor_id, action="update", record=order, township_id=order.township_id,
                 before={"deadline": before.isoformat()}, after={"deadline": order.deadline.isoformat()})
    return moved


RESPONSIBLE_CHUNK = 5000  # orders per query: their unit and village ids go into the SQL as text


def responsible_users(order: RectificationOrder) -> list[User]:
    """Who must put it right: the unit's contact, else the village's contacts."""
    return responsible_users_for([order])[order.id]


def responsible_users_for(orders: Iterable[RectificationOrder | sa.Row]) -> dict[int, list[User]]:
    """The responsible users of each order by order id, in one query per 5,000 orders.

    The rule: the active users bound to the order's unit; when there are none (or no unit),
    the village's active contacts. Anything with `id`, `unit_id` and `village_id` will do,
    so a sweep can pass plain rows instead of loading whole orders."""
    orders = list(orders)
    found: dict[int, list[User]] = {}
    for start in range(0, len(orders), RESPONSIBLE_CHUNK):
        found |= _responsible_in(orders[start:start + RESPONSIBLE_CHUNK])
    return found


def _responsible_in(orders: list) -> dict[int, list[User]]:
    """Apply the rule to a chunk of orders, loading both kinds of candidate in one query."""
    units = {o.unit_id for o in orders if o.unit_id}
    villages = {o.village_id for o in orders}
    by_unit: dict[int, list[User]] = {}
    by_village: dict[int, list[User]] = {}
    for user in db.session.scalars(_candidates(units, villages)):
        if user.unit_id in units:
            by_unit.setdefault(user.unit_id, []).append(user)
        if user.role == Role.VILLAGE_CONTACT.value and user.village_id in villages:
            by_village.setdefault(user.village_id, []).append(user)
    return {o.id: list(by_unit.get(o.unit_id) or by_village.get(o.village_id) or ()) for o in orders}


def _candidates(units: set[int], villages: set[int]) -> sa.Select:
    """Active users of the units, and active contacts of the villages."""
    return sa.select(User).where(User.active.is_(True), sa.or_(
        User.unit_id.in_(_literal_ids(units)),
        sa.and_(User.role == Role.VILLAGE_CONTACT.value, User.village_id.in_(_literal_ids(villages))),
    )).order_by(User.id)


def _literal_ids(ids: set[int]) -> sa.BindParameter:
    """An IN list of integer ids written into the SQL: cheaper than a bound parameter each."""
    return sa.bindparam(None, sorted(ids), expanding=True, literal_execute=True)


def _check_office(scope: Scope, order: RectificationOrder) -> None:
    if not (scope.is_admin and scope.covers_township(order.township_id)):
        raise Forbidden(_("Only the hygiene office does this."))


def _check_recipient(scope: Scope, user: User, order: RectificationOrder) -> None:
    is_recipient = (scope.role is Role.VILLAGE_CONTACT and user.village_id == order.village_id) or (
        scope.role is Role.UNIT_CONTACT and order.unit_id and user.unit_id == order.unit_id)
    if not (is_recipient or (scope.is_admin and scope.covers_township(order.township_id))):
        raise Forbidden(_("Only the recipient of the order does this."))


def order_acknowledge(*, scope: Scope, user: User, order: RectificationOrder, now: datetime) -> None:
    """The recipient confirms they received the order (签收)."""
    _check_recipient(scope, user, order)
    if not order.is_open:
        raise DomainError(_("This order is already closed."))
    if order.acknowledged_at is None:
        order.acknowledged_at, order.acknowledged_by_id = now, user.id
        audit_record(actor_id=user.id, action="acknowledge", record=order, at=now,
                     township_id=order.township_id, after={"acknowledged": True})


def order_submit_evidence(*, scope: Scope, user: User, order: RectificationOrder, note: str,
                          photos: list[tuple[str, bytes]], store: PhotoStore, limits: PhotoLimits,
                          now: datetime, evidence_key: str = "") -> None:
    """The recipient reports the fix with a note and after-photos; the inspector is next.

    Once per key, as the field form's submission: a repeat of the same report (double tap,
    resend after a lost response, two at once) stores nothing and records nothing again."""
    if is_repeat(order, "evidence_key", evidence_key):
        return
    _check_recipient(scope, user, order)
    note = (note or "").strip()
    if not REPORT_FIX.allows(order.status):
        raise DomainError(_("This order is already closed."))
    waiting = _unreported_evidence(order)
    if not note and not photos and not waiting:
        raise DomainError(_("Describe what was done or add a photo of the result."), field="note")
    before = order.status
    claimed = claim_once(
        order, key_column="evidence_key", key=evidence_key,
        allowed=REPORT_FIX.clause(RectificationOrder.status),
        values=dict(status=REPORT_FIX.target, evidence_note=note, evidence_at=now,
                    evidence_by_id=user.id,
                    acknowledged_at=sa.func.coalesce(RectificationOrder.acknowledged_at,
                                                    sa.literal(now, UTCDateTime()))),
        refused=_("This order is already closed."))
    if not claimed:
        return
    _attach_all(order, EVIDENCE, photos, store, limits, user, now)
    audit_record(actor_id=user.id, action="evidence", record=order, township_id=order.township_id, at=now,
                 before={"status": before}, after={"status": order.status, "note": note,
                                                   "photos": len(photos) + waiting})
    notices.tell_fix_reported(order, now)


EVIDENCE = "evidence"  # the purpose of a recipient's photo of the fix


def _unreported_evidence(order: RectificationOrder) -> int:
    """Evidence photos uploaded one by one (the API) since the fix was last reported: the next
    report counts them as its photos."""
    stmt = sa.select(sa.func.count()).select_from(Photo).where(
        Photo.order_id == order.id, Photo.purpose == EVIDENCE)
    if order.evidence_at is not None:
        stmt = stmt.where(Photo.uploaded_at > order.evidence_at)
    return db.session.scalar(stmt) or 0


def _lock(order: RectificationOrder) -> None:
    """Take the order's write lock until the transaction ends (a no-op UPDATE: on PostgreSQL the
    row's lock, on SQLite the database's), then read it again: of twin requests, the second
    waits for the first and then finds what it wrote."""
    db.session.execute(sa.update(RectificationOrder).where(RectificationOrder.id == order.id)
                       .values(evidence_key=RectificationOrder.evidence_key)
                       .execution_options(synchronize_session=False))
    db.session.refresh(order)


def order_evidence_photo_add(*, scope: Scope, user: User, order: RectificationOrder, filename: str,
                             data: bytes, client_id: str, store: PhotoStore, limits: PhotoLimits,
                             now: datetime) -> tuple[Photo, bool]:
    """The recipient adds one photo of the fix, named by the client's own id, before reporting
    the fix (order_submit_evidence counts it). Once per id: a resend, or the same upload twice at
    the same moment, finds the first photo. Returns (photo, made now)."""
    _check_recipient(scope, user, order)
    _lock(order)

    def add() -> Photo:
        if not REPORT_FIX.allows(order.status):
            raise DomainError(_("This order is already closed."))
        photo, = photos_attach([(filename, data)], store=store, limits=limits, uploaded_by_id=user.id,
                               now=now, order_id=order.id, purpose=EVIDENCE, township_id=order.township_id,
                               target_kind=order.target_kind, target_id=order.target_id, client_id=client_id)
        return photo

    return create_once(Photo, client_id=client_id, add=add, same=lambda photo: (
        photo.order_id == order.id and photo.purpose == EVIDENCE and photo.uploaded_by_id == user.id))


def _attach_all(order, purpose, photos, store, limits, user, now) -> None:
    """Take every photo of the post, or none (the media service stages them until all are in)."""
    if photos:
        photos_attach(photos, store=store, limits=limits, uploaded_by_id=user.id, now=now,
                      order_id=order.id, purpose=purpose, township_id=order.township_id,
                      target_kind=order.target_kind, target_id=order.target_id)


def order_reinspect(*, scope: Scope, user: User, order: RectificationOrder, passed: bool, note: str,
                    photos: list[tuple[str, bytes]], store: PhotoStore, limits: PhotoLimits,
                    now: datetime) -> RectificationOrder | None:
    """Re-inspect after the evidence: a pass closes the order, a fail issues a follow-up order
    with a new deadline, linked to this one (returned)."""
    if not scope.covers_township(order.township_id):
        raise Forbidden(_("Only inspectors and the office re-inspect."))
    if order.status == OrderStatus.ISSUED:
        raise DomainError(_("No evidence has been submitted yet; re-inspect after the recipient reports the fix."))
    note, move = (note or "").strip(), reinspection(passed)
    # one conditional UPDATE: of a double tap or two identical posts at the same moment, one
    # re-inspects (and issues the follow-up order); the others find it done and do nothing
    claimed = db.session.execute(sa.update(RectificationOrder).where(  # type: ignore[attr-defined]  # DML gives a CursorResult, typed as Result
        RectificationOrder.id == order.id, move.clause(RectificationOrder.status)).values(
        status=move.target, closed_at=now, reinspected_at=now, reinspected_by_id=user.id,
        reinspection_passed=passed, reinspection_note=note).execution_options(
        synchronize_session=False)).rowcount
    db.session.refresh(order)
    if not claimed:
        if order.status == move.target and order.reinspected_by_id == user.id and order.reinspection_note == note:
            return None if passed else db.session.scalar(sa.select(RectificationOrder).where(
                RectificationOrder.parent_id == order.id))  # the same re-inspection, sent twice
        raise DomainError(_("This order is already closed."))
    _attach_all(order, "reinspection", photos, store, limits, user, now)
    follow_up = None if passed else _follow_up(order, user, now)
    audit_record(actor_id=user.id, action="reinspect", record=order, township_id=order.township_id, at=now,
                 before={"status": OrderStatus.EVIDENCE_SUBMITTED},
                 after={"status": order.status, "passed": passed,
                        "follow_up": follow_up.display_number if follow_up else None})
    notices.tell_reinspected(order, responsible_users(order), follow_up, now)
    return follow_up


def _follow_up(order: RectificationOrder, user: User, now: datetime) -> RectificationOrder:
    issued_on = local_today(now)
    follow = RectificationOrder(
        township_id=order.township_id, village_id=order.village_id, unit_id=order.unit_id,
        target_kind=order.target_kind, target_id=order.target_id, target_label=order.target_label,
        inspection_id=order.inspection_id, parent_id=order.id, issued_on=issued_on, issued_at=now,
        issued_by_id=user.id,
        **deadline_fields(issued_on, deadline_days([i.severity for i in order.items])))
    _number_and_add(follow)
    for item in order.items:
        db.session.add(OrderItem(order_id=follow.id, item_id=item.item_id, text=item.text,
                                 note=order.reinspection_note or item.note,
                                 points_lost=item.points_lost, severity=item.severity))
    db.session.flush()
    db.session.refresh(follow)
    audit_record(actor_id=user.id, action="issue", record=follow, township_id=follow.township_id,
                 after={"number": follow.display_number, "deadline": follow.deadline.isoformat(),
                        "items": _items_text(follow), "follows": order.display_number})
    return follow

