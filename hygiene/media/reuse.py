"""Photos as evidence: every photo kept, of an inspection or an order, is checked against the
others, and a flag says where else the same picture was used.

Media knows no work domain: each domain whose records get photos registers how to name them
(`register_photo_record`, from its access.py), and the flags name them through that."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.extensions import db
from hygiene.media.intake import REUSED_PHOTO_DISTANCE, perceptual_distance
from hygiene.media.models import Photo

OLD_PHOTO_AFTER = timedelta(days=3)
REUSE_WINDOW = timedelta(days=365)
USES_KEPT = 5  # earlier uses named on a flag; more than this adds nothing for the reviewer


def flag_photo(photo: Photo, now: datetime) -> None:
    """Set the flags a reviewer should see: taken long before the upload, or used before."""
    flags = []
    if photo.taken_at is not None and abs(now - photo.taken_at) > OLD_PHOTO_AFTER:
        flags.append("old_capture")
    photo.reuse_of = earlier_uses(photo, now)
    if photo.reuse_of:
        flags.append("reused")
    photo.flags = flags


def earlier_uses(photo: Photo, now: datetime) -> list[int]:
    """Ids of the township's photos of the past year, on any other inspection or order, that
    are the same file, or show the same scene for another target; newest first."""
    if photo.order_id is not None:
        other_record = Photo.order_id.is_distinct_from(photo.order_id)
    elif photo.toilet_event_id is not None:  # a toilet's stage photos: any other record's
        other_record = Photo.toilet_event_id.is_distinct_from(photo.toilet_event_id)
    else:
        other_record = sa.or_(Photo.order_id.is_not(None), Photo.toilet_event_id.is_not(None),
                              Photo.inspection_id.is_distinct_from(photo.inspection_id))
    rows = db.session.execute(sa.select(
        Photo.id, Photo.sha256, Photo.phash, Photo.target_kind, Photo.target_id).where(
        Photo.township_id == photo.township_id, Photo.uploaded_at >= now - REUSE_WINDOW,
        other_record).order_by(Photo.id.desc()))
    found = [row.id for row in rows if row.sha256 == photo.sha256 or (
        (row.target_kind, row.target_id) != (photo.target_kind, photo.target_id)
        and perceptual_distance(row.phash, photo.phash) <= REUSED_PHOTO_DISTANCE)]
    return found[:USES_KEPT]


@dataclass(frozen=True)
class PhotoUse:
    """Another record that used the same photo: what to name, and whether the viewer may open it."""

    kind: str           # inspection | order
    record_id: int
    number: str         # the order's number; "" for an inspection
    on: date            # the inspection's planned date, the order's issue date
    place: str          # the record's target, village first
    linked: bool


@dataclass(frozen=True)
class PhotoRecord:
    """A kind of record photos are kept on, as a reuse flag names it."""

    kind: str                                     # the PhotoUse kind: inspection | order
    model: type[Any]                              # scoped by Scope.clause, so `linked` is the rule
    owner_id: Callable[[Photo], int | None]       # the id of the record a photo belongs to, if this kind
    describe: Callable[[Any], tuple[str, date, str]]  # a record's number, date and place


_PHOTO_RECORDS: dict[str, PhotoRecord] = {}


def register_photo_record(record: PhotoRecord) -> None:
    """Let reuse flags name the records of a domain (called from the domain's access.py)."""
    _PHOTO_RECORDS[record.kind] = record


def photo_uses(photos: list[Photo], scope: Scope) -> dict[int, list[PhotoUse]]:
    """For each photo that repeats earlier ones, the records those were used on (one query per
    kind of record, plus one)."""
    wanted = {i for p in photos for i in (p.reuse_of or [])}
    if not wanted:
        return {}
    earlier = {p.id: p for p in db.session.scalars(sa.select(Photo).where(Photo.id.in_(wanted)))}
    named = {kind: _records(record, scope, {record.owner_id(p) for p in earlier.values()})
             for kind, record in _PHOTO_RECORDS.items()}
    uses: dict[int, list[PhotoUse]] = {}
    for photo in photos:
        found = [_use_of(e, named) for e in (earlier.get(i) for i in photo.reuse_of or []) if e is not None]
        unique = list(dict.fromkeys(u for u in found if u is not None))
        if unique:
            uses[photo.id] = unique
    return uses


def _use_of(photo: Photo, named: dict[str, dict[int, PhotoUse]]) -> PhotoUse | None:
    """The record an earlier photo was used on, named; None when it is gone."""
    for kind, record in _PHOTO_RECORDS.items():
        owner = record.owner_id(photo)
        if owner is not None:
            return named[kind].get(owner)
    return None


def _records(record: PhotoRecord, scope: Scope, ids: set) -> dict[int, PhotoUse]:
    """Name the records by id; `linked` when the scope may open them."""
    ids.discard(None)
    if not ids:
        return {}
    model = record.model
    visible = sa.case((scope.clause(model), sa.true()), else_=sa.false())
    rows = db.session.execute(sa.select(model, visible).where(model.id.in_(ids)))
    return {row.id: PhotoUse(record.kind, row.id, *record.describe(row), bool(linked)) for row, linked in rows}
