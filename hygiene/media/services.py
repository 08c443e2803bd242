"""Attaching photos to records: the one way any domain keeps a photo of one of its records.

A record is named by the Photo's columns (`inspection_id` or `order_id`, `purpose`, `item_id`)
with its township and target, which the reuse check compares (`reuse.py`). Services flush and
never commit.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.media.intake import PhotoInfo, PhotoLimits, photo_intake
from hygiene.media.models import Photo
from hygiene.media.reuse import flag_photo
from hygiene.media.store import PhotoStore, StagedStore


def photo_new(info: PhotoInfo, *, uploaded_by_id: int | None, now: datetime, **record) -> Photo:
    """A Photo for `record` (inspection or order fields) from what intake learned, flagged."""
    photo = Photo(sha256=info.sha256, phash=info.phash, width=info.width, height=info.height,
                  size_bytes=info.size_bytes, taken_at=info.taken_at, gps_lat=info.gps_lat,
                  gps_lon=info.gps_lon, uploaded_by_id=uploaded_by_id, uploaded_at=now, **record)
    flag_photo(photo, now)
    return photo


def photos_attach(uploads: Iterable[tuple[str, bytes]], *, store: PhotoStore, limits: PhotoLimits,
                  uploaded_by_id: int | None, now: datetime, **record) -> list[Photo]:
    """Take every upload (file name, bytes) of a post for `record`, or none: a refused one raises
    before anything is added, and the files reach the store only once all are accepted."""
    staged = StagedStore(store)
    photos = []
    for filename, data in uploads:
        info = photo_intake(data, filename, store=staged, limits=limits)
        photo = photo_new(info, uploaded_by_id=uploaded_by_id, now=now, **record)
        db.session.add(photo)
        photos.append(photo)
    db.session.flush()
    staged.publish()
    return photos


def photo_get(*, scope: Scope, photo_id: int) -> Photo:
    """Load a photo the scope may see (the rule lives in Scope), or raise NotFound."""
    photo = db.session.scalar(sa.select(Photo).where(Photo.id == photo_id, scope.clause(Photo)))
    if photo is None:
        raise NotFound("photo not found")
    return photo


PHOTO_SIZES = ("thumb", "display", "original")


def photo_for_download(*, scope: Scope, photo_id: int, size: str) -> Photo:
    """A photo the scope may download in this size, or NotFound: any copy where a record that
    shows it is seen (Scope); the original, which keeps its EXIF (GPS), for the office's
    administrators only (evidence); the other copies are stripped of metadata."""
    photo = photo_get(scope=scope, photo_id=photo_id)
    if size not in PHOTO_SIZES or (size == "original" and not scope.is_admin):
        raise NotFound("photo not found")
    return photo
