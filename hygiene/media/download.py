"""Sending a stored copy of a photo: the one response every page that shows photos uses.

Deciding who may see the photo is the caller's part (Scope, or an order's short link); this
only sends the file. Behind nginx (deploy/), with PHOTO_ACCEL_PREFIX set, the application
answers with an X-Accel-Redirect to nginx's internal location over UPLOAD_DIR instead of the
bytes: the access check stays here, the sending (sendfile, ranges) costs no web worker."""
from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, current_app, send_file

from hygiene.core.web import photo_store
from hygiene.media.models import Photo
from hygiene.media.store import DISPLAY, ORIGINAL, THUMB, photo_key

_FILES = {"thumb": THUMB, "display": DISPLAY, "original": ORIGINAL}
CACHE = "private, max-age=31536000, immutable"  # content-addressed: a copy never changes


def send_photo(photo: Photo, size: str) -> Response:
    """Send one stored copy of a photo (or let nginx send it, see the module's note); content-
    addressed, so it never changes. The store reads it whichever it is (a local file, or an S3
    object read into memory); a file gone missing (a restore without its photos) is a 404."""
    store, key = photo_store(), photo_key(photo.sha256, _FILES[size])
    prefix = current_app.config.get("PHOTO_ACCEL_PREFIX", "")
    if prefix and store.path_or_none(key) is not None:  # a local file nginx can read
        response = Response(b"", mimetype="image/jpeg")
        response.headers["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(key)
    else:
        try:
            stream = store.open(key)
        except FileNotFoundError:
            abort(404)
        response = send_file(stream, mimetype="image/jpeg", max_age=31536000)
    response.headers["Cache-Control"] = CACHE
    return response
