"""Sending a stored copy of a photo: the one response every page that shows photos uses.

Deciding who may see the photo is the caller's part (Scope, or an order's short link); this
only sends the file. Behind nginx (deploy/), with PHOTO_ACCEL_PREFIX set, the application
answers with an X-Accel-Redirect to nginx's internal location over UPLOAD_DIR instead of the
bytes: the access check stays here, the sending (sendfile, ranges) costs no web worker."""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote

from flask import Response, abort, current_app, send_file

from hygiene.core.web import photo_store
from hygiene.media.models import Photo
from hygiene.media.store import DISPLAY, ORIGINAL, THUMB, photo_key

_FILES = {"thumb": THUMB, "display": DISPLAY, "original": ORIGINAL}
CACHE = "private, max-age=31536000, immutable"  # content-addressed: a copy never changes
_SIGNATURES = ((b"\xff\xd8", "image/jpeg"), (b"\x89PNG", "image/png"), (b"GIF8", "image/gif"))


def send_photo(photo: Photo, size: str) -> Response:
    """Send one stored copy of a photo (or let nginx send it, see the module's note); content-
    addressed, so it never changes. The store reads it whichever it is (a local file, or an S3
    object read into memory); a file gone missing (a restore without its photos) is a 404."""
    store, key = photo_store(), photo_key(photo.sha256, _FILES[size])
    prefix = current_app.config.get("PHOTO_ACCEL_PREFIX", "")
    path = store.path_or_none(key) if prefix else None
    if path is not None:  # a local file nginx can read
        response = Response(b"", mimetype=_accel_mimetype(size, path))
        response.headers["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(key)
    else:
        try:
            stream = store.open(key)
        except FileNotFoundError:
            abort(404)
        response = send_file(stream, mimetype=_mimetype(size, stream), max_age=31536000)
    response.headers["Cache-Control"] = CACHE
    return response


def _accel_mimetype(size: str, path: Path) -> str:
    """The type of a file nginx sends: only an original's first bytes are read to tell it."""
    if size != "original":
        return "image/jpeg"
    with path.open("rb") as head:
        return _mimetype(size, head)


def _mimetype(size: str, stream: BinaryIO) -> str:
    """The copies are JPEG; an original is what the phone sent (a HEIC, a PNG...), told by its
    first bytes (intake kept only files it could read). The stream is left at its start."""
    if size != "original":
        return "image/jpeg"
    head = stream.read(12)
    stream.seek(0)
    if head[4:8] == b"ftyp":
        return "image/heif" if head[8:12] in (b"mif1", b"msf1") else "image/heic"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return next((mime for magic, mime in _SIGNATURES if head.startswith(magic)), "application/octet-stream")
