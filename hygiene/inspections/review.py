"""The office's review: publish, send back, amend a published inspection, cancel."""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _

from hygiene.accounts.models import User
from hygiene.accounts.scope import Scope
from hygiene.audit.services import audit_record
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.inspections.fieldwork import answer_write, inspection_score
from hygiene.inspections.models import Inspection

SCORE_FIELDS = ("score", "earned", "possible", "vetoed", "passed", "grade")


def _check_reviewer(scope: Scope, inspection: Inspection) -> None:
    if not (scope.is_admin and scope.covers_township(inspection.township_id)):
        raise Forbidden(_("Only the hygiene office reviews inspections."))


def _transition(inspection: Inspection, allowed: tuple[str, ...], target: str) -> str:
    if inspection.status not in allowed:
        raise DomainError(_("An inspection that is “%(status)s” cannot be changed this way.",
                            status=inspection.status))
    before, inspection.status = inspection.status, target
    return before


def inspection_publish(*, scope: Scope, actor_id: int, inspection: Inspection, now: datetime) -> None:
    """Publish a submitted inspection: its score now counts and the target can see it."""
    _check_reviewer(scope, inspection)
    before = _transition(inspection, ("submitted",), "published")
    inspection.published_at, inspection.published_by_id = now, actor_id
    audit_record(actor_id=actor_id, action="publish", record=inspection, at=now,
                 township_id=inspection.township_id, before={"status": before},
                 after={"status": "published", "score": str(inspection.score)})


def inspection_send_back(*, scope: Scope, actor_id: int, inspection: Inspection, comment: str) -> None:
    """Return a submitted inspection to its inspectors with the reviewer's comment."""
    _check_reviewer(scope, inspection)
    comment = (comment or "").strip()
    if not comment:
        raise DomainError(_("Say what needs to change before sending it back."), field="comment")
    before = _transition(inspection, ("submitted",), "in_progress")
    inspection.review_comment, inspection.submission_key = comment, None
    audit_record(actor_id=actor_id, action="send_back", record=inspection,
                 township_id=inspection.township_id, before={"status": before},
                 after={"status": "in_progress", "comment": comment})


def inspection_cancel(*, scope: Scope, actor_id: int, inspection: Inspection, reason: str) -> None:
    """Cancel an inspection that has not been submitted."""
    _check_reviewer(scope, inspection)
    before = _transition(inspection, Inspection.OPEN, "cancelled")
    audit_record(actor_id=actor_id, action="cancel", record=inspection,
                 township_id=inspection.township_id, before={"status": before},
                 after={"status": "cancelled", "reason": (reason or "").strip()})


def inspection_amend(*, scope: Scope, user: User, inspection: Inspection, changes: list[dict],
                     reason: str) -> None:
    """Change answers of a published inspection; the audit trail keeps the old answers and score."""
    _check_reviewer(scope, inspection)
    if inspection.status != "published":
        raise DomainError(_("Only published inspections are amended; edit others directly."))
    if not (reason or "").strip():
        raise DomainError(_("An amendment needs a reason."), field="reason")
    old_answers = {a.item_id: (a.result, a.findings, str(a.grade)) for a in inspection.answers}
    old_score = {f: str(getattr(inspection, f)) for f in SCORE_FIELDS}
    for change in changes:
        answer_write(inspection=inspection, **change)
    db.session.flush()
    db.session.refresh(inspection)
    result = inspection_score(inspection)
    for field in SCORE_FIELDS:
        setattr(inspection, field, getattr(result, field))
    audit_record(actor_id=user.id, action="amend", record=inspection,
                 township_id=inspection.township_id,
                 before={"score": old_score, "answers": {str(k): v for k, v in old_answers.items()
                                                         if k in {int(c["item_id"]) for c in changes}}},
                 after={"score": {f: str(getattr(inspection, f)) for f in SCORE_FIELDS},
                        "answers": {str(c["item_id"]): (c.get("result"), c.get("findings"),
                                                        str(c.get("grade"))) for c in changes},
                        "reason": reason.strip()})
