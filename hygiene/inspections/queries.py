"""Reads of inspections, always through the reader's scope."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.inspections.models import Inspection, inspection_inspector
from hygiene.inspections.status import InspectionStatus
from hygiene.media.models import Photo


def inspection_clause(scope: Scope) -> sa.ColumnElement[bool]:
    """Inspections a scope may read (the rule lives in Scope)."""
    return scope.clause(Inspection)


def inspection_get(*, scope: Scope, inspection_id: int) -> Inspection:
    """Load an inspection the scope may read, or raise NotFound."""
    inspection = db.session.scalar(sa.select(Inspection).where(
        Inspection.id == inspection_id, inspection_clause(scope)))
    if inspection is None:
        raise NotFound("inspection not found")
    return inspection


def inspection_list_stmt(*, scope: Scope, today: date, status: str = "", village_id: int | None = None,
                         assigned_to: int | None = None, start: date | None = None,
                         end: date | None = None) -> sa.Select:
    """The filtered list behind the inspection pages, newest planned first."""
    stmt = sa.select(Inspection).where(inspection_clause(scope)).options(joinedload(Inspection.version))
    if status == "overdue":
        stmt = stmt.where(Inspection.status.in_(Inspection.OPEN), Inspection.due_date < today)
    elif status == "sent_back":
        stmt = stmt.where(Inspection.status.in_(Inspection.OPEN), Inspection.submitted_at.is_not(None))
    elif InspectionStatus.known(status):
        stmt = stmt.where(Inspection.status == status)
    if village_id:
        stmt = stmt.where(Inspection.village_id == village_id)
    if assigned_to:
        stmt = stmt.where(Inspection.id.in_(sa.select(inspection_inspector.c.inspection_id).where(
            inspection_inspector.c.user_id == assigned_to)))
    if start:
        stmt = stmt.where(Inspection.planned_date >= start)
    if end:
        stmt = stmt.where(Inspection.planned_date <= end)
    return stmt.order_by(Inspection.planned_date.desc(), Inspection.target_label, Inspection.id)


# for the readers of inspection_list_stmt that use each inspection's inspectors (the agenda, the API):
# their ids and names, the rest of their records not read
WITH_INSPECTORS = selectinload(Inspection.inspectors).load_only(User.id, User.display_name)

AGENDA_LIMIT = 100  # a phone shows this many; the rest are counted and on the list pages
AGENDA_DAYS_AHEAD = 7


def inspector_agenda(*, scope: Scope, user_id: int, today: date) -> dict:
    """An inspector's open work: due or overdue today, and what is planned in the coming seven
    days (on a Friday that is next week too); at most AGENDA_LIMIT rows are loaded, the totals
    are counted in SQL."""
    week_end = today + timedelta(days=AGENDA_DAYS_AHEAD)
    open_mine = inspection_list_stmt(scope=scope, today=today, assigned_to=user_id).where(
        Inspection.status.in_(Inspection.OPEN), Inspection.planned_date <= week_end)
    rows = list(db.session.scalars(open_mine.options(WITH_INSPECTORS).order_by(None).order_by(
        Inspection.due_date, Inspection.target_label, Inspection.id).limit(AGENDA_LIMIT)))
    now = sa.case((Inspection.planned_date <= today, True), else_=False)
    totals: dict[bool, int] = dict(db.session.execute(
        open_mine.with_only_columns(now, sa.func.count()).group_by(now).order_by(None)).all())
    # what the office sent back comes first: it was already done once and waits on a correction
    due_now = sorted((i for i in rows if i.planned_date <= today), key=lambda i: not i.is_sent_back)
    this_week = [i for i in rows if i.planned_date > today]
    return {"due_now": due_now, "this_week": this_week,
            "due_now_total": totals.get(True, 0), "this_week_total": totals.get(False, 0)}


def calendar_counts(*, scope: Scope, first: date, last: date) -> dict[date, dict[str, int]]:
    """Per day of a month, the number of inspections planned in each status (one query)."""
    stmt = (sa.select(Inspection.planned_date, Inspection.status, sa.func.count())
            .where(inspection_clause(scope), Inspection.planned_date.between(first, last))
            .group_by(Inspection.planned_date, Inspection.status))
    counts: dict[date, dict[str, int]] = {}
    for day, status, n in db.session.execute(stmt):
        counts.setdefault(day, {})[status] = n
    return counts


def inspector_names(inspection_ids: list[int]) -> dict[int, list[str]]:
    """The inspectors' names of each of these inspections (one query, for a list page: loading
    them as records cost the county's inspection list a seventh of its time; bench/dashboard.py)."""
    names: dict[int, list[str]] = {}
    if inspection_ids:
        for inspection_id, name in db.session.execute(
                sa.select(inspection_inspector.c.inspection_id, User.display_name)
                .join(User, User.id == inspection_inspector.c.user_id)
                .where(inspection_inspector.c.inspection_id.in_(inspection_ids)).order_by(User.id)):
            names.setdefault(inspection_id, []).append(name)
    return names


def flagged_photo_counts(inspection_ids: list[int]) -> dict[int, int]:
    """How many flagged photos each of these inspections has (one query, for a list page)."""
    counts: dict[int, int] = {}
    if not inspection_ids:
        return counts
    rows = db.session.execute(sa.select(Photo.inspection_id, Photo.flags).where(
        Photo.inspection_id.in_(inspection_ids)))
    for inspection_id, flags in rows:
        if flags:
            counts[inspection_id] = counts.get(inspection_id, 0) + 1
    return counts


@dataclass(frozen=True)
class AnswerChange:
    item: str
    before: dict
    after: dict


@dataclass(frozen=True)
class Amendment:
    """One amendment of a published inspection, read back from the audit trail."""

    at: datetime
    by: str
    reason: str
    score_before: dict
    score_after: dict
    answers: list[AnswerChange]


def amendment_history(inspection: Inspection) -> list[Amendment]:
    """Every amendment of the inspection, oldest first: who, when, why, old and new score and answers."""
    from hygiene.audit.changes import recorded_answer
    from hygiene.audit.models import AuditEvent

    stmt = (sa.select(AuditEvent).options(joinedload(AuditEvent.actor))
            .where(AuditEvent.entity_type == "inspection", AuditEvent.entity_id == inspection.id,
                   AuditEvent.action == "amend").order_by(AuditEvent.at, AuditEvent.id))
    texts = {str(item.id): item.text for item in inspection.version.items}
    history = []
    for event in db.session.scalars(stmt):
        before, after = event.before or {}, event.after or {}
        old, new = before.get("answers") or {}, after.get("answers") or {}
        answers = [AnswerChange(texts.get(key, key), recorded_answer(old.get(key)), recorded_answer(new.get(key)))
                   for key in sorted(set(old) | set(new), key=lambda k: list(texts).index(k) if k in texts else 0)]
        history.append(Amendment(event.at, event.actor.display_name if event.actor else "", after.get("reason", ""),
                                 before.get("score") or {}, after.get("score") or {}, answers))
    return history
