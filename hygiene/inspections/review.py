"""The office's review: publish, send back, amend a published inspection, cancel."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.audit.services import audit_record
from hygiene.clock import now_utc
from hygiene.core.status import Transition
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.inspections import notices
from hygiene.inspections.events import inspection_cancelled, inspection_published, result_changed
from hygiene.inspections.fieldwork import answer_write, inspection_score
from hygiene.inspections.models import Inspection
from hygiene.inspections.status import CANCEL, PUBLISH, SEND_BACK, InspectionStatus
from hygiene.media.models import Photo

SCORE_FIELDS = ("score", "earned", "possible", "vetoed", "passed", "grade")


def _check_reviewer(scope: Scope, inspection: Inspection) -> None:
    if not (scope.is_admin and scope.covers_township(inspection.township_id)):
        raise Forbidden(_("Only the hygiene office reviews inspections."))


def _transition(inspection: Inspection, move: Transition[InspectionStatus]) -> str | None:
    """Make the move in one conditional UPDATE, so of two identical requests at the same moment
    only one goes through. Returns the status before, or None when a request just like this one
    got there first (a double tap: nothing more to do)."""
    before = inspection.status
    if move.allows(before):
        claimed = db.session.execute(sa.update(Inspection).where(  # type: ignore[attr-defined]  # DML gives a CursorResult, typed as Result
            Inspection.id == inspection.id, Inspection.status == before).values(status=move.target)
            .execution_options(synchronize_session=False)).rowcount
        db.session.refresh(inspection)
        if claimed:
            return before
    if inspection.status == move.target:
        return None
    raise DomainError(_("An inspection that is “%(status)s” cannot be changed this way.",
                        status=inspection.status_label))


class FlaggedPublish(DomainError):
    """Publishing an inspection with flagged photos needs the reviewer's reason."""

    def __init__(self, photos: list[Photo]):
        super().__init__(_("%(n)d photos are flagged: publish only with a reason.", n=len(photos)),
                         field="flag_reason")
        self.photos = photos


def flagged_photos(inspection: Inspection) -> list[Photo]:
    """The inspection's photos that carry a flag (taken long before, used elsewhere)."""
    photos = db.session.scalars(sa.select(Photo).where(Photo.inspection_id == inspection.id)
                                .order_by(Photo.id))
    return [p for p in photos if p.flags]


def inspection_publish(*, scope: Scope, actor_id: int, inspection: Inspection, now: datetime,
                       flag_reason: str = "") -> None:
    """Publish a submitted inspection: its score now counts and the target can see it.

    With flagged photos the reviewer confirms with a reason, kept in the audit trail."""
    _check_reviewer(scope, inspection)
    flagged = flagged_photos(inspection) if inspection.is_submitted else []
    flag_reason = (flag_reason or "").strip()[:1000]
    if flagged and not flag_reason:
        raise FlaggedPublish(flagged)
    before = _transition(inspection, PUBLISH)
    if before is None:
        return
    inspection.published_at, inspection.published_by_id = now, actor_id
    after = {"status": PUBLISH.target, "score": str(inspection.score)}
    if flagged:
        after |= {"flagged_photos": [p.id for p in flagged], "flag_reason": flag_reason}
    audit_record(actor_id=actor_id, action="publish", record=inspection, at=now,
                 township_id=inspection.township_id, before={"status": before}, after=after)
    inspection_published(inspection=inspection, actor_id=actor_id, now=now)  # an acceptance counts (toilets)


def inspection_send_back(*, scope: Scope, actor_id: int, inspection: Inspection, comment: str,
                         now: datetime | None = None) -> None:
    """Return a submitted inspection to its inspectors with the reviewer's comment; they are told.

    Its order (if any) stands meanwhile; the re-submission brings it in line."""
    _check_reviewer(scope, inspection)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Say what needs to change before sending it back."), field="comment")
    before = _transition(inspection, SEND_BACK)
    if before is None:
        return
    inspection.review_comment, inspection.submission_key = comment, None
    audit_record(actor_id=actor_id, action="send_back", record=inspection,
                 township_id=inspection.township_id, before={"status": before},
                 after={"status": SEND_BACK.target, "comment": comment})
    notices.tell_sent_back(inspection, now or now_utc())


def inspection_cancel(*, scope: Scope, actor_id: int, inspection: Inspection, reason: str,
                      now: datetime | None = None) -> None:
    """Cancel an inspection that has not been submitted; an order it issued before it was
    sent back is withdrawn and its recipient told."""
    _check_reviewer(scope, inspection)
    before = _transition(inspection, CANCEL)
    if before is None:
        return
    reason = (reason or "").strip()
    audit_record(actor_id=actor_id, action="cancel", record=inspection,
                 township_id=inspection.township_id, before={"status": before},
                 after={"status": CANCEL.target, "reason": reason})
    why = (_("The inspection was cancelled: %(reason)s", reason=reason) if reason
           else _("The inspection was cancelled."))
    inspection_cancelled(inspection=inspection, actor_id=actor_id, reason=why, now=now or now_utc())


def inspection_amend(*, scope: Scope, user: User, inspection: Inspection, changes: list[dict],
                     reason: str, now: datetime | None = None) -> None:
    """Change answers of a published inspection. The audit trail keeps the old and new score and
    answers with the reason (the inspection page shows them); an open order follows the change."""
    _check_reviewer(scope, inspection)
    if not inspection.is_published:
        raise DomainError(_("Only published inspections are amended; edit others directly."))
    if not (reason or "").strip():
        raise DomainError(_("An amendment needs a reason."), field="reason")
    if not changes:
        raise DomainError(_("No answer was changed; the inspection stands as it is."))
    changed_ids = {int(c["item_id"]) for c in changes}
    before = {"score": _score_of(inspection), "answers": _answers_of(inspection, changed_ids)}
    for change in changes:
        answer_write(inspection=inspection, **change)
    db.session.flush()
    db.session.refresh(inspection)
    result = inspection_score(inspection)
    for field in SCORE_FIELDS:
        setattr(inspection, field, getattr(result, field))
    audit_record(actor_id=user.id, action="amend", record=inspection,
                 township_id=inspection.township_id, before=before,
                 after={"score": _score_of(inspection), "answers": _answers_of(inspection, changed_ids),
                        "reason": reason.strip()})
    result_changed(inspection=inspection, actor_id=user.id, now=now or now_utc())


def _score_of(inspection: Inspection) -> dict[str, str]:
    """The score fields as text, points with two decimals as the database keeps them."""
    return {f: f"{value:.2f}" if isinstance(value := getattr(inspection, f), Decimal) else str(value)
            for f in SCORE_FIELDS}


def _answers_of(inspection: Inspection, item_ids: set[int]) -> dict[str, dict]:
    """The answers of some items as the history shows them: item, result, findings, grade, note."""
    answers = {a.item_id: a for a in inspection.answers}
    shown = {}
    for item in inspection.version.items:
        if item.id in item_ids:
            a = answers.get(item.id)
            shown[str(item.id)] = {
                "item": item.text, "result": a.result if a else None, "findings": a.findings if a else 0,
                "grade": str(a.grade) if a and a.grade is not None else None, "note": a.note if a else "",
                "earned": str(a.earned) if a and a.earned is not None else None}
    return shown


def changed_answers(inspection: Inspection, posted: list[dict]) -> list[dict]:
    """Only the items whose answer the reviewer actually changed."""
    current = {a.item_id: a for a in inspection.answers}

    def differs(change):
        answer = current.get(change["item_id"])
        return answer is None or (answer.result, str(answer.findings), answer.note) != (
            change["result"], str(change["findings"] or 0), change["note"]) or (
            change["grade"] is not None and _grade_differs(answer.grade, change["grade"]))
    return [c for c in posted if differs(c)]


def _grade_differs(stored, posted) -> bool:
    """20.00 as stored and "20" as posted are the same grade."""
    try:
        return stored is None or Decimal(str(posted)) != stored
    except InvalidOperation:
        return True  # not a number: let the service refuse it with its message
