"""Photo downloads: a photo is sent to whoever may see a record that shows it (Scope decides)."""
from __future__ import annotations

from flask import Blueprint, abort
from flask_login import login_required

from hygiene.core.web import current_scope
from hygiene.media.download import send_photo
from hygiene.media.intake import PHOTO_ACCEPT
from hygiene.media.services import photo_get

# the address keeps its historical /inspections/ prefix: pages, bookmarks and caches use it
bp = Blueprint("media", __name__, url_prefix="/inspections/photos")


@bp.app_context_processor
def _photo_accept() -> dict[str, str]:
    """Give every template the accept= of photo inputs (HEIC included), named in one place."""
    return {"photo_accept": PHOTO_ACCEPT}


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every photo download needs a signed-in user; the order short link has its own route."""


@bp.get("/<int:photo_id>/<any(thumb,display,original):size>")
def photo_file(photo_id: int, size: str):
    scope = current_scope()
    photo = photo_get(scope=scope, photo_id=photo_id)  # the records' rule, in Scope
    if size == "original" and not scope.is_admin:
        abort(404)  # the original keeps its EXIF (GPS): evidence for the office only
    return send_photo(photo, size)
