"""The field form posted in one piece (no script): all its answers and photos, or none of them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.errors import DomainError
from hygiene.extensions import db
from hygiene.inspections import fieldwork
from hygiene.inspections.models import Inspection
from hygiene.media.intake import PhotoLimits
from hygiene.media.store import PhotoStore, StagedStore


class PostRefused(DomainError):
    """Some input of the post was refused, so none of it was kept; `problems` maps item ids."""

    def __init__(self, problems: dict[int | None, str]):
        super().__init__(_("Nothing of this post was saved: correct the marked items "
                           "and choose their photos again."))
        self.problems = problems


@dataclass(frozen=True)
class PostedPhoto:
    item_id: int | None
    filename: str
    data: bytes


def fill_form_save(*, scope: Scope, user: User, inspection: Inspection, answers: list[dict],
                   photos: list[PostedPhoto], submit: bool, submission_key: str, store: PhotoStore,
                   limits: PhotoLimits, now: datetime) -> None:
    """Save a posted form whole, then submit it when asked; a repeat of a submission is a no-op."""
    if submit and _submitted_with(inspection, submission_key):
        return
    try:
        fieldwork.claim_for_writing(scope=scope, user=user, inspection=inspection, now=now)
    except fieldwork.NotOpen:
        if submit and _submitted_with(inspection, submission_key):
            return  # an identical post got the lock first
        raise
    staged = StagedStore(store)
    problems = _write_all(scope, user, inspection, answers, photos, staged, limits, now)
    if problems:
        raise PostRefused(problems)
    if submit:
        db.session.flush()
        db.session.refresh(inspection)
        try:
            fieldwork.inspection_submit(scope=scope, user=user, inspection=inspection,
                                        submission_key=submission_key, now=now)
        except fieldwork.SubmissionRefused:
            staged.publish()  # the post is kept as a draft; only its submission is refused
            raise
    staged.publish()


def _write_all(scope, user, inspection, answers, photos, staged, limits, now) -> dict:
    """Write every answer and stage every photo; return what each refused item lacks."""
    problems: dict[int | None, str] = {}
    for answer in answers:
        try:
            fieldwork.answer_write(inspection=inspection, now=now, **answer)
        except DomainError as error:
            problems[answer["item_id"]] = error.message
    for photo in photos:
        try:
            fieldwork.photo_attach(scope=scope, user=user, inspection=inspection, item_id=photo.item_id,
                                   filename=photo.filename, data=photo.data, store=staged,
                                   limits=limits, now=now)
        except DomainError as error:
            problems.setdefault(photo.item_id, error.message)
    return problems


def _submitted_with(inspection: Inspection, submission_key: str) -> bool:
    return bool(submission_key) and inspection.submission_key == submission_key
