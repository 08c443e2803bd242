"""Photo downloads: a photo is sent to whoever may see a record that shows it (Scope decides)."""
from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from hygiene.core.web import current_scope
from hygiene.media.download import send_photo
from hygiene.media.intake import PHOTO_ACCEPT
from hygiene.media.services import photo_for_download

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
    photo = photo_for_download(scope=current_scope(), photo_id=photo_id, size=size)
    return send_photo(photo, size)
