"""What the offline field app needs beyond the pages: the bundle of an inspector's open work, a
tag that changes when the office changes an inspection, answers written all at once with a check
for newer answers on the server, and photos made once by the id the phone gave them."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.checklists.models import TemplateSection, TemplateVersion
from hygiene.core.once import create_once
from hygiene.errors import DomainError, InvalidFields
from hygiene.extensions import db
from hygiene.inspections import fieldwork, queries
from hygiene.inspections.models import Answer, Inspection
from hygiene.media.intake import PhotoLimits
from hygiene.media.models import Photo
from hygiene.media.store import PhotoStore

ANSWER_FIELDS = ("result", "findings", "grade", "note")


def field_assignments(*, scope: Scope, user_id: int, today: date) -> list[Inspection]:
    """The user's open inspections to take out: the agenda's (due, overdue, sent back, and
    planned in the coming week), in the agenda's order."""
    work = queries.inspector_agenda(scope=scope, user_id=user_id, today=today)
    inspections = [*work["due_now"], *work["this_week"]]
    # their answers and sheets in a few queries, not a few per inspection
    db.session.scalars(sa.select(Inspection).where(Inspection.id.in_([i.id for i in inspections])).options(
        selectinload(Inspection.answers),
        selectinload(Inspection.version).selectinload(TemplateVersion.sections).selectinload(TemplateSection.items)
    )).all()
    return inspections


def photos_of(inspection_ids: list[int]) -> dict[int, list[Photo]]:
    """Each inspection's photos, in the order they were taken in (one query)."""
    photos: dict[int, list[Photo]] = {}
    if inspection_ids:
        for photo in db.session.scalars(sa.select(Photo).where(Photo.inspection_id.in_(inspection_ids))
                                        .order_by(Photo.id)):
            photos.setdefault(photo.inspection_id, []).append(photo)  # type: ignore[arg-type]
    return photos


def inspection_etag(inspection: Inspection) -> str:
    """A tag of what the office decides about an inspection (status, dates, inspectors, a send
    back, cancelling): the phone compares it to see that its copy is out of date."""
    # planned and in progress are one: the inspector's own first answer must not look like the office's change
    parts = ("open" if inspection.is_open else inspection.status, inspection.version_id, inspection.planned_date, inspection.due_date,
             sorted(u.id for u in inspection.inspectors), inspection.submitted_at, inspection.review_comment)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


@dataclass(frozen=True)
class SentAnswer:
    """One item's answer as the phone sends it, with the updated_at it last saw (None: none)."""

    item_id: int
    result: str | None
    findings: int = 0
    grade: object = None  # as sent ("8.5"); checked as the page checks it
    note: str = ""
    base_updated_at: datetime | None = None


class AnswerConflict(DomainError):
    """Newer answers on the server differ from what the phone sends; `answers` are the server's."""

    status = 409
    code = "answer_conflict"

    def __init__(self, answers: list[Answer]):
        super().__init__(_("Someone changed these answers after you last loaded them; "
                           "choose which to keep."))
        self.answers = answers


class AnswersRefused(InvalidFields):
    """Some answers are wrong, so none was saved; `errors` maps each item id to its message."""


def answers_put(*, scope: Scope, user: User, inspection: Inspection, answers: list[SentAnswer],
                now: datetime) -> list[Answer]:
    """Write every answer or none: refused when one is wrong, or when the server holds a newer
    answer that differs from the one sent (someone else changed it)."""
    fieldwork.claim_for_writing(scope=scope, user=user, inspection=inspection, now=now)
    stored = {a.item_id: a for a in db.session.scalars(sa.select(Answer).where(
        Answer.inspection_id == inspection.id))}
    problems: dict[str, str] = {}
    conflicts, written = [], []
    for sent in answers:
        try:
            values = fieldwork.answer_values(inspection=inspection, item_id=sent.item_id, result=sent.result,
                                             findings=sent.findings, grade=sent.grade, note=sent.note)
        except DomainError as error:
            problems[str(sent.item_id)] = error.message
            continue
        server = stored.get(sent.item_id)
        if server is not None and _newer(server, sent.base_updated_at) and _differs(server, values):
            conflicts.append(server)
    if problems:
        raise AnswersRefused(problems)
    if conflicts:
        raise AnswerConflict(conflicts)
    for sent in answers:
        written.append(fieldwork.answer_write(inspection=inspection, item_id=sent.item_id, result=sent.result,
                                              findings=sent.findings, grade=sent.grade, note=sent.note,
                                              now=now))
    return written


def _newer(server: Answer, seen: datetime | None) -> bool:
    return seen is None or server.updated_at > seen


def _differs(server: Answer, values: dict) -> bool:
    return any(getattr(server, name) != values[name] for name in ANSWER_FIELDS)


def photo_attach_once(*, scope: Scope, user: User, inspection: Inspection, client_id: str, item_id: int | None,
                      filename: str, data: bytes, store: PhotoStore, limits: PhotoLimits,
                      now: datetime) -> tuple[Photo, bool]:
    """Take in a photo the phone named with `client_id`, once: a resend (even after the
    inspection was submitted) finds the first. Returns (photo, stored now)."""
    def same(photo: Photo) -> bool:
        return photo.inspection_id == inspection.id and photo.uploaded_by_id == user.id

    def add() -> Photo:
        photo = fieldwork.photo_attach(scope=scope, user=user, inspection=inspection, item_id=item_id,
                                       filename=filename, data=data, store=store, limits=limits, now=now)
        photo.client_id = photo.client_id or client_id
        db.session.flush()
        return photo

    earlier = _photo_named(client_id)
    if earlier is not None and same(earlier):
        return earlier, False
    # the lock first: a twin request waits for this one and then finds its photo by the id
    fieldwork.claim_for_writing(scope=scope, user=user, inspection=inspection, now=now)
    return create_once(Photo, client_id=client_id, add=add, same=same)


def _photo_named(client_id: str) -> Photo | None:
    return db.session.scalar(sa.select(Photo).where(Photo.client_id == client_id))


@dataclass(frozen=True)
class ScoreNow:
    """The score of what the server holds, as the fill page shows it."""

    score: Decimal | None
    grade: str
    answered: int
    total: int


def score_now(inspection: Inspection) -> ScoreNow:
    db.session.refresh(inspection)
    result = fieldwork.inspection_score(inspection)
    total = len(inspection.version.items)
    return ScoreNow(result.score, result.grade, total - len(result.unanswered), total)
