"""Photos as evidence: every photo kept, of an inspection or an order, is checked against the
others, and a flag says where else the same picture was used.

To name those records this module reads the inspection and order tables (the records a Photo's
columns point at); a domain whose records get photos adds its record here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from hygiene.accounts.scope import Scope
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.media.intake import REUSED_PHOTO_DISTANCE, perceptual_distance
from hygiene.media.models import Photo
from hygiene.rectifications.models import RectificationOrder

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
    else:
        other_record = sa.or_(Photo.order_id.is_not(None),
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


def photo_uses(photos: list[Photo], scope: Scope) -> dict[int, list[PhotoUse]]:
    """For each photo that repeats earlier ones, the records those were used on (three queries)."""
    wanted = {i for p in photos for i in (p.reuse_of or [])}
    if not wanted:
        return {}
    earlier = {p.id: p for p in db.session.scalars(sa.select(Photo).where(Photo.id.in_(wanted)))}
    inspections = _records(Inspection, scope, {p.inspection_id for p in earlier.values() if not p.order_id})
    orders = _records(RectificationOrder, scope, {p.order_id for p in earlier.values() if p.order_id})
    uses: dict[int, list[PhotoUse]] = {}
    for photo in photos:
        found = [orders.get(e.order_id) if e.order_id else inspections.get(e.inspection_id)
                 for e in (earlier.get(i) for i in photo.reuse_of or []) if e is not None]
        unique = list(dict.fromkeys(u for u in found if u is not None))
        if unique:
            uses[photo.id] = unique
    return uses


def _records(model: type[Any], scope: Scope, ids: set) -> dict[int, PhotoUse]:
    """Name the records by id; `linked` when the scope may open them."""
    ids.discard(None)
    if not ids:
        return {}
    visible = sa.case((scope.clause(model), sa.true()), else_=sa.false())
    rows = db.session.execute(sa.select(model, visible).where(model.id.in_(ids)))
    return {record.id: _use(record, bool(linked)) for record, linked in rows}


def _use(record: Inspection | RectificationOrder, linked: bool) -> PhotoUse:
    if isinstance(record, Inspection):
        return PhotoUse("inspection", record.id, "", record.planned_date, record.target_label, linked)
    return PhotoUse("order", record.id, record.display_number, record.issued_on,
                    record.target_label, linked)
