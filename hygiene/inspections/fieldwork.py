"""Filling an inspection in the field: answers, photos, and the once-only submission."""
from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext as _

from hygiene.accounts.models import User
from hygiene.accounts.scope import Scope
from hygiene.audit.services import audit_record
from hygiene.checklists.models import TemplateItem
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.inspections import scoring
from hygiene.inspections.models import Answer, Inspection, Photo
from hygiene.media import REUSED_PHOTO_DISTANCE, PhotoLimits, PhotoStore, perceptual_distance, photo_intake

OLD_PHOTO_AFTER = timedelta(days=3)
REUSE_WINDOW = timedelta(days=365)


class SubmissionRefused(DomainError):
    """The inspection is not ready; `problems` maps item ids to what each one lacks."""

    def __init__(self, problems: dict[int, str]):
        super().__init__(_("%(n)d items still need attention.", n=len(problems)))
        self.problems = problems


def check_can_fill(scope: Scope, user: User, inspection: Inspection) -> None:
    """Assigned inspectors (and the township's admins) fill an open inspection."""
    assigned = any(u.id == user.id for u in inspection.inspectors)
    if not (assigned or (scope.is_admin and scope.covers_township(inspection.township_id))):
        raise Forbidden(_("This inspection is assigned to other inspectors."))
    if inspection.status not in Inspection.OPEN:
        raise DomainError(_("This inspection has been submitted and can no longer be changed here."))


def answer_save(*, scope: Scope, user: User, inspection: Inspection, item_id: int, result: str | None,
                findings: object = 0, grade: object = None, note: str = "",
                now: datetime) -> Answer:
    """Save one item's answer as a draft; the inspection moves to in progress."""
    check_can_fill(scope, user, inspection)
    answer = answer_write(inspection=inspection, item_id=item_id, result=result, findings=findings,
                          grade=grade, note=note)
    _mark_started(inspection, now)
    return answer


def answer_write(*, inspection: Inspection, item_id, result: str | None, findings: object = 0,
                 grade: object = None, note: str = "") -> Answer:
    """Validate and store one answer with its earned points; the caller checks who may write."""
    item = _item_of(inspection, item_id)
    answer = db.session.scalar(sa.select(Answer).where(
        Answer.inspection_id == inspection.id, Answer.item_id == item.id))
    if answer is None:
        answer = Answer(inspection_id=inspection.id, item_id=item.id)
        db.session.add(answer)
    answer.result = _result(result)
    answer.findings = _findings(item, answer.result, findings)
    answer.grade = _grade(item, grade)
    answer.note = (note or "").strip()[:2000]
    answer.earned = scoring.item_earned(rule_of(item), answer_of(answer))
    return answer


def _item_of(inspection: Inspection, item_id) -> TemplateItem:
    item = db.session.get(TemplateItem, int(item_id)) if str(item_id).isdigit() else None
    if item is None or item.version_id != inspection.version_id:
        raise DomainError(_("That item is not on this checklist."))
    return item


def _result(value) -> str | None:
    if value in (None, ""):
        return None
    if value not in (scoring.PASS, scoring.FAIL, scoring.NOT_APPLICABLE):
        raise DomainError(_("Choose pass, fail or not applicable."))
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
    if not (grade.is_finite() and 0 <= grade <= item.points):
        raise DomainError(_("The grade must be between 0 and %(points)s.", points=item.points))
    return grade


def _mark_started(inspection: Inspection, now: datetime) -> None:
    if inspection.status == "planned":
        inspection.status = "in_progress"
    inspection.started_at = inspection.started_at or now


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
    check_can_fill(scope, user, inspection)
    item = _item_of(inspection, item_id) if item_id not in (None, "") else None
    info = photo_intake(data, filename, store=store, limits=limits)
    photo = Photo(
        inspection_id=inspection.id, item_id=item.id if item else None,
        township_id=inspection.township_id, target_kind=inspection.target_kind,
        target_id=inspection.target_id, sha256=info.sha256, phash=info.phash, width=info.width,
        height=info.height, size_bytes=info.size_bytes, taken_at=info.taken_at,
        gps_lat=info.gps_lat, gps_lon=info.gps_lon, uploaded_by_id=user.id, uploaded_at=now)
    photo.flags = photo_flags(photo, now)
    db.session.add(photo)
    _mark_started(inspection, now)
    db.session.flush()
    return photo


def photo_flags(photo: Photo, now: datetime) -> list[str]:
    """Flags for the reviewer: taken long before the upload, or already used for another target."""
    flags = []
    if photo.taken_at is not None and abs(now - photo.taken_at) > OLD_PHOTO_AFTER:
        flags.append("old_capture")
    others = db.session.execute(sa.select(Photo.phash, Photo.sha256).where(
        Photo.township_id == photo.township_id, Photo.uploaded_at >= now - REUSE_WINDOW,
        sa.or_(Photo.target_kind != photo.target_kind, Photo.target_id != photo.target_id)))
    if any(sha == photo.sha256 or perceptual_distance(phash, photo.phash) <= REUSED_PHOTO_DISTANCE
           for phash, sha in others):
        flags.append("reused")
    return flags


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
    """Submit once: a repeat with the same key (double tap, retry) returns the first result."""
    if inspection.submission_key and inspection.submission_key == submission_key:
        return inspection
    check_can_fill(scope, user, inspection)
    problems = inspection_problems(inspection)
    if problems:
        raise SubmissionRefused(problems)
    result = inspection_score(inspection)
    if result.score is None:
        raise DomainError(_("Every item is marked not applicable; there is nothing to score."))
    claimed = db.session.execute(sa.update(Inspection).where(
        Inspection.id == inspection.id, Inspection.status.in_(Inspection.OPEN)).values(
        status="submitted", submission_key=submission_key, submitted_at=now,
        submitted_by_id=user.id, score=result.score, earned=result.earned,
        possible=result.possible, vetoed=result.vetoed, passed=result.passed, grade=result.grade,
    ).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(inspection)
    if claimed == 0:  # another request submitted it between our read and our write
        if inspection.submission_key == submission_key:
            return inspection
        raise DomainError(_("This inspection has already been submitted."))
    audit_record(actor_id=user.id, action="submit", record=inspection, at=now,
                 township_id=inspection.township_id, before={"status": "in_progress"},
                 after={"status": "submitted", "score": str(result.score), "grade": result.grade})
    from hygiene.rectifications.services import order_issue_for_inspection

    order_issue_for_inspection(inspection=inspection, actor_id=user.id, now=now)
    return inspection
