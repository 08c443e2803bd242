"""Photos through the API: the bytes of one copy, to whoever the pages would show it (the same
check as the photo download page, hygiene/media/services.photo_for_download), and the photo's
description in the records that show it."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from flask import url_for
from pydantic import BaseModel, Field

from hygiene.access.scope import Scope
from hygiene.api.spec import QueryModel
from hygiene.api.views import api
from hygiene.core.web import current_scope
from hygiene.media.download import send_photo
from hygiene.media.models import Photo
from hygiene.media.services import photo_for_download

TAG = "photos"


class PhotoUrls(BaseModel):
    thumb: str = Field(description="The API address of the thumbnail (metadata stripped)")
    display: str = Field(description="The API address of the display copy (metadata stripped)")
    original: str | None = Field(description="The API address of the original with its EXIF (GPS): "
                                             "the office's administrators only, else null")


class PhotoOut(BaseModel):
    id: int
    item_id: int | None = Field(description="The checklist item the photo shows, if any")
    purpose: str = Field(description="inspection, evidence (the recipient's fix) or reinspection")
    width: int
    height: int
    taken_at: datetime | None = Field(description="The capture time from the photo's EXIF, when it had one")
    uploaded_at: datetime
    flags: list[str] | None = Field(description="Reasons to doubt the photo: old_capture (taken long before "
                                                "the upload), reused (used before elsewhere); shown to "
                                                "office staff only, else null")
    urls: PhotoUrls


def photo_out(photo: Photo, scope: Scope) -> PhotoOut:
    """A photo as the scope is shown it: flags for the office only, the original for admins."""
    def url(size: str) -> str:
        return url_for("api.photo_file", photo_id=photo.id, size=size)

    return PhotoOut(id=photo.id, item_id=photo.item_id, purpose=photo.purpose, width=photo.width,
                    height=photo.height, taken_at=photo.taken_at, uploaded_at=photo.uploaded_at,
                    flags=list(photo.flags or []) if scope.township_wide else None,
                    urls=PhotoUrls(thumb=url("thumb"), display=url("display"),
                                   original=url("original") if scope.is_admin else None))


class PhotoQuery(QueryModel):
    size: Literal["display", "thumb", "original"] = Field(
        "display", description="display (default) and thumb are stripped of metadata; original keeps "
                               "its EXIF and is sent to the office's administrators only")


@api.operation("GET", "/photos/{photo_id}", tag=TAG, summary="A photo's bytes (JPEG)", query=PhotoQuery,
               media_type="image/jpeg", description=(
                   "Sent to whoever may see a record that shows the photo, as on the pages (a contact: "
                   "an inspection's photos once it is published, an order's photos). Copies never "
                   "change: the answer may be cached (private, immutable)."))
def photo_file(photo_id: int, query: PhotoQuery):
    photo = photo_for_download(scope=current_scope(), photo_id=photo_id, size=query.size)
    return send_photo(photo, query.size)
