"""The field form posted in one piece (no script): all its answers and photos, or none of them."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from flask_babel import gettext as _

from hygiene.accounts.models import User
from hygiene.accounts.scope import Scope
from hygiene.errors import DomainError
from hygiene.extensions import db
from hygiene.inspections import fieldwork
from hygiene.inspections.models import Inspection
from hygiene.media import MARKER, PhotoLimits, PhotoStore


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


class StagedStore(PhotoStore):
    """Holds a post's photo files in memory and reads through to the real store; `publish`
    writes them there, files before markers, once the whole post is accepted."""

    def __init__(self, target: PhotoStore):
        self.target = target
        self.staged: dict[str, bytes] = {}

    def exists(self, key: str) -> bool:
        return self._staged_visible(key) or self.target.exists(key)

    def put(self, key: str, data: bytes) -> None:
        self.staged[key] = data

    def open(self, key: str) -> BinaryIO:
        if self._staged_visible(key):
            return io.BytesIO(self.staged[key])
        return self.target.open(key)

    def path_or_none(self, key: str) -> Path | None:
        return None if self._staged_visible(key) else self.target.path_or_none(key)

    def publish(self) -> None:
        """Put every staged file into the real store; each folder's marker goes last."""
        for key in sorted(self.staged, key=lambda k: k.endswith("/" + MARKER)):
            self.target.put(key, self.staged[key])
        self.staged.clear()

    def _staged_visible(self, key: str) -> bool:
        folder = key.rpartition("/")[0]
        return key in self.staged and f"{folder}/{MARKER}" in self.staged


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
