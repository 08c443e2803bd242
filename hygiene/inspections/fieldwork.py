"""Filling an inspection in the field: answers, photos, and the once-only submission."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.audit.services import audit_record
from hygiene.checklists.models import TemplateItem
from hygiene.clock import now_utc
from hygiene.core.input import MAX_DB_INT
from hygiene.core.once import is_repeat
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.inspections import scoring
from hygiene.inspections.events import result_changed
from hygiene.inspections.models import Answer, Inspection
from hygiene.inspections.status import START, SUBMIT, InspectionStatus
from hygiene.media.intake import PhotoLimits, photo_intake
from hygiene.media.models import Photo
from hygiene.media.services import photo_new
from hygiene.media.store import PhotoStore

NOTE_MAX_CHARS = 2000  # a note longer than a page is refused with a message, never cut silently


class SubmissionRefused(DomainError):
    """The inspection is not ready; `problems` maps item ids to what each one lacks."""

    code = "not_ready"

    def __init__(self, problems: dict[int, str]):
        super().__init__(_("%(n)d items still need attention.", n=len(problems)))
        self.problems = problems


class NotOpen(DomainError):
    """The inspection can no longer be filled; the message names its real status."""

    status = 409  # the request was right; the inspection moved on

    def __init__(self, message: str, *, code: str = "not_open"):
        super().__init__(message)
        self.code = code  # "cancelled" or "not_open", for the API's clients


class NotAssigned(Forbidden):
    """The inspection is assigned to other inspectors (perhaps no longer to this one)."""

    code = "not_assigned"


def not_open(inspection: Inspection) -> NotOpen:
    """The refusal of a write to an inspection that is no longer open, for its actual status."""
    code = InspectionStatus.CANCELLED.value if inspection.is_cancelled else "not_open"  # the API's error codes
    return NotOpen(not_open_message(inspection), code=code)


def not_open_message(inspection: Inspection) -> str:
    """Why an inspection that is not open cannot be filled, for its actual status."""
    if inspection.is_cancelled:
        return _("This inspection was cancelled; it can no longer be filled.")
    if inspection.is_published:
        return _("This inspection has been published; only the hygiene office can amend it.")
    return _("This inspection has been submitted and can no longer be changed here.")


def check_assigned(scope: Scope, user: User, inspection: Inspection) -> None:
    """Assigned inspectors (and the township's admins) fill an inspection; a contact fills only
    the self-assessment of their own village or unit assigned to them; others are refused."""
    assigned = any(u.id == user.id for u in inspection.inspectors)
    if not scope.township_wide:  # a village's or unit's contact: they are inspected, they do not inspect
        if not (inspection.self_assessment and assigned and _own_target(scope, inspection)):
            raise Forbidden(_("Only inspectors and the hygiene office fill in inspections."))
        return
    if not (assigned or (scope.is_admin and scope.covers_township(inspection.township_id))):
        raise NotAssigned(_("This inspection is assigned to other inspectors."))


def _own_target(scope: Scope, inspection: Inspection) -> bool:
    """The contact's own village (a village contact) or unit (a unit contact) is the one inspected."""
    if scope.role is Role.UNIT_CONTACT:
        return inspection.target_kind == "unit" and scope.unit_id is not None and inspection.unit_id == scope.unit_id
    return scope.role is Role.VILLAGE_CONTACT and inspection.target_kind == "village" \
        and scope.village_id is not None and inspection.village_id == scope.village_id


def check_can_fill(scope: Scope, user: User, inspection: Inspection) -> None:
    """The user may fill this inspection, and it is still open."""
    check_assigned(scope, user, inspection)
    if not inspection.is_open:
        raise not_open(inspection)


def claim_for_writing(*, scope: Scope, user: User, inspection: Inspection, now: datetime) -> None:
    """Lock the open inspection for this transaction and mark it started, or refuse it.

    The conditional UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) before
    anything is read for the write, so concurrent writes to one inspection run one after
    another, and none lands after a submission or a cancellation."""
    check_assigned(scope, user, inspection)
    claimed = db.session.execute(sa.update(Inspection).where(  # type: ignore[attr-defined]  # DML gives a CursorResult, typed as Result
        Inspection.id == inspection.id, START.clause(Inspection.status)).values(
        status=START.target).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(inspection)
    if not claimed:
        raise not_open(inspection)
    inspection.started_at = inspection.started_at or now


def answer_save(*, scope: Scope, user: User, inspection: Inspection, item_id: int, result: str | None,
                findings: object = 0, grade: object = None, note: str = "",
                now: datetime) -> Answer:
    """Save one item's answer as a draft; the inspection moves to in progress."""
    claim_for_writing(scope=scope, user=user, inspection=inspection, now=now)
    return answer_write(inspection=inspection, item_id=item_id, result=result, findings=findings,
                        grade=grade, note=note, now=now)


def answer_write(*, inspection: Inspection, item_id, result: str | None, findings: object = 0,
                 grade: object = None, note: str = "", now: datetime | None = None) -> Answer:
    """Validate and store one answer with its earned points; the caller checks who may write.

    An upsert, so two identical writes at the same moment leave one answer, never an error."""
    item = _item_of(inspection, item_id)
    values = _values(item, result=result, findings=findings, grade=grade, note=note)
    values["updated_at"] = now or now_utc()
    values["earned"] = scoring.item_earned(rule_of(item), scoring.ItemAnswer(
        values["result"], values["findings"], values["grade"]))
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[db.session.get_bind().dialect.name]
    db.session.execute(insert(Answer).values(inspection_id=inspection.id, item_id=item.id, **values)  # type: ignore[attr-defined]  # both dialects' Insert have on_conflict_do_update
                       .on_conflict_do_update(index_elements=["inspection_id", "item_id"], set_=values))
    return db.session.scalars(sa.select(Answer).where(
        Answer.inspection_id == inspection.id, Answer.item_id == item.id).execution_options(
        populate_existing=True)).one()


def answer_values(*, inspection: Inspection, item_id, result: str | None, findings: object = 0,
                  grade: object = None, note: str = "") -> dict[str, Any]:
    """An answer's result, findings, grade and note as they would be stored, or DomainError."""
    return _values(_item_of(inspection, item_id), result=result, findings=findings, grade=grade, note=note)


def _values(item: TemplateItem, *, result, findings, grade, note) -> dict[str, Any]:
    checked = _result(item, result)
    return {"result": checked, "findings": _findings(item, checked, findings), "grade": _grade(item, grade),
            "note": _note(note)}


def _note(value) -> str:
    """A note as typed; one longer than NOTE_MAX_CHARS is refused with a message, never cut."""
    note = (value or "").strip()
    if len(note) > NOTE_MAX_CHARS:
        raise DomainError(_("A note may hold at most %(max)d characters; this one has %(n)d. "
                            "Shorten it.", max=NOTE_MAX_CHARS, n=len(note)))
    return note


def _item_of(inspection: Inspection, item_id) -> TemplateItem:
    item = db.session.get(TemplateItem, int(item_id)) if str(item_id).isdigit() \
        and int(item_id) <= MAX_DB_INT else None
    if item is None or item.version_id != inspection.version_id:
        raise DomainError(_("That item is not on this checklist."))
    return item


def _result(item: TemplateItem, value) -> str | None:
    if value in (None, ""):
        return None
    if value not in (scoring.PASS, scoring.FAIL, scoring.NOT_APPLICABLE):
        raise DomainError(_("Choose pass, fail or not applicable."))
    if item.veto and value == scoring.NOT_APPLICABLE:
        raise DomainError(_("A veto item must be checked: pass or fail."))
    return value


def _findings(item: TemplateItem, result: str | None, value) -> int:
    try:
        count = int(value or 0)
    except (TypeError, ValueError):
        raise DomainError(_("The number of findings must be a whole number.")) from None
    if not 0 <= count <= 999:
        raise DomainError(_("The number of findings must be between 0 and 999."))
    # a failed deduction item has at least one finding, or it would lose nothing
    return max(count, 1) if item.scoring == "deduction" and result == scoring.FAIL else count


def _grade(item: TemplateItem, value) -> Decimal | None:
    if item.scoring != "grade" or value in (None, ""):
        return None
    try:
        grade = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(_("The grade must be a number.")) from None
    scale = scoring.grade_scale(item.points)
    if not scale.accepts(grade):
        raise DomainError(_("The grade must be between 0 and %(points)s, in steps of %(step)s.",
                            points=_plain(scale.max), step=_plain(scale.step)))
    return grade


def _plain(number: Decimal) -> str:
    """A number as people write it: 20 rather than 20.00, 0.5 rather than 0.50."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def rule_of(item: TemplateItem) -> scoring.ItemRule:
    return scoring.ItemRule(item.id, item.points, item.scoring, item.deduction_step, item.veto)


def answer_of(answer: Answer | None) -> scoring.ItemAnswer:
    if answer is None:
        return scoring.ItemAnswer()
    return scoring.ItemAnswer(answer.result, answer.findings, answer.grade)


def inspection_score(inspection: Inspection) -> scoring.ScoreResult:
    """Score the inspection from its stored answers (the server's score, whatever the phone showed)."""
    answers = {a.item_id: answer_of(a) for a in inspection.answers}
    bands = [scoring.Band(b["label"], Decimal(str(b["min"]))) for b in inspection.version.bands]
    return scoring.score_checklist([rule_of(i) for i in inspection.version.items], answers,
                                   pass_mark=inspection.version.pass_mark, bands=bands)


def photo_attach(*, scope: Scope, user: User, inspection: Inspection, item_id, filename: str,
                 data: bytes, store: PhotoStore, limits: PhotoLimits, now: datetime) -> Photo:
    """Take in a photo for an item (or the whole inspection) and flag what a reviewer should see."""
    claim_for_writing(scope=scope, user=user, inspection=inspection, now=now)
    item = _item_of(inspection, item_id) if item_id not in (None, "") else None
    info = photo_intake(data, filename, store=store, limits=limits)
    same = db.session.scalar(sa.select(Photo).where(
        Photo.inspection_id == inspection.id, Photo.sha256 == info.sha256,
        Photo.item_id == item.id if item else Photo.item_id.is_(None)).limit(1))
    if same is not None:
        return same  # the same photo sent again (a retry after a lost answer): kept once
    photo = photo_new(info, uploaded_by_id=user.id, now=now, inspection_id=inspection.id,
                      item_id=item.id if item else None, township_id=inspection.township_id,
                      target_kind=inspection.target_kind, target_id=inspection.target_id)
    db.session.add(photo)
    db.session.flush()
    return photo


def photo_remove(*, scope: Scope, user: User, photo: Photo) -> None:
    """Detach a photo from an open inspection (the stored file stays; others may share it)."""
    check_can_fill(scope, user, db.session.get(Inspection, photo.inspection_id))
    db.session.delete(photo)


def inspection_problems(inspection: Inspection) -> dict[int, str]:
    """What each item still lacks before the inspection can be submitted."""
    answers = {a.item_id: a for a in inspection.answers}
    photographed = set(db.session.scalars(sa.select(Photo.item_id).where(
        Photo.inspection_id == inspection.id)))
    problems = {}
    for item in inspection.version.items:
        answer = answers.get(item.id)
        if answer is None or answer.result is None:
            problems[item.id] = _("Not checked yet.")
        elif item.veto and answer.result == scoring.NOT_APPLICABLE:
            problems[item.id] = _("A veto item must be checked: pass or fail.")
        elif (item.photo_on_fail and answer.earned is not None and answer.earned < item.points
              and item.id not in photographed):
            problems[item.id] = _("This item failed: take a photo of it.")
    return problems


def inspection_submit(*, scope: Scope, user: User, inspection: Inspection, submission_key: str,
                      now: datetime) -> Inspection:
    """Submit once: a repeat with the same key (double tap, retry, a twin request) returns the first."""
    if is_repeat(inspection, "submission_key", submission_key):
        return inspection
    try:
        claim_for_writing(scope=scope, user=user, inspection=inspection, now=now)
    except NotOpen:
        if is_repeat(inspection, "submission_key", submission_key):
            return inspection  # an identical request got the lock first and submitted it
        raise
    problems = inspection_problems(inspection)
    if problems:
        raise SubmissionRefused(problems)
    result = inspection_score(inspection)
    if result.score is None:
        raise DomainError(_("Every item is marked not applicable; there is nothing to score."))
    for field, value in dict(status=SUBMIT.target, submission_key=submission_key, submitted_at=now,
                             submitted_by_id=user.id, score=result.score, earned=result.earned,
                             possible=result.possible, vetoed=result.vetoed, passed=result.passed,
                             grade=result.grade).items():
        setattr(inspection, field, value)
    db.session.flush()
    audit_record(actor_id=user.id, action="submit", record=inspection, at=now,
                 township_id=inspection.township_id, before={"status": START.target},  # claim_for_writing made it so
                 after={"status": SUBMIT.target, "score": str(result.score), "grade": result.grade})
    result_changed(inspection=inspection, actor_id=user.id, now=now)  # orders follow (rectifications)
    return inspection
