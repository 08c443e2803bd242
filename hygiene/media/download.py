"""Sending a stored copy of a photo: the one response every page that shows photos uses.

Deciding who may see the photo is the caller's part (Scope, or an order's short link); this
only streams the file."""
from __future__ import annotations

from flask import Response, send_file

from hygiene.core.web import photo_store
from hygiene.errors import NotFound
from hygiene.media.models import Photo
from hygiene.media.store import DISPLAY, ORIGINAL, THUMB, photo_key

_FILES = {"thumb": THUMB, "display": DISPLAY, "original": ORIGINAL}


def send_photo(photo: Photo, size: str) -> Response:
    """Send one stored copy of a photo; content-addressed, so it never changes."""
    try:
        stream = photo_store().open(photo_key(photo.sha256, _FILES[size]))
    except FileNotFoundError:  # a row whose files were lost (a bad restore): not found, not a 500
        raise NotFound("photo file missing") from None
    response = send_file(stream, mimetype="image/jpeg", max_age=31536000)
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return response
