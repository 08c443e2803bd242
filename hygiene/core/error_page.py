"""The error pages: one answer for every refused or failed request, page or JSON.

Not a view module, so any blueprint (and the app's error handlers) may use it."""
from __future__ import annotations

from flask import current_app, jsonify, render_template
from flask_babel import gettext as _

from hygiene.core.web import photo_limits, wants_json
from hygiene.extensions import db


def error_page(status: int, message: str = ""):
    """Render the Chinese (or English) page for an HTTP error, never a stack trace.

    The failed request's transaction is rolled back first, so the page (whose header reads the
    signed-in user and the bell) never runs on it; should the page still fail, a plain one that
    needs no database answers. Script requests (JSON) get {"error": ...} instead of a page."""
    _discard_transaction()
    message = message or _error_messages().get(status, "")
    if wants_json():
        return jsonify(error=message or _error_titles().get(status, _("Something went wrong"))), status
    try:
        page = status if status in _PAGES else 422  # other refusals (409) share the 422 page
        return render_template(f"errors/{page}.html", message=message, status=status), status
    except Exception:  # noqa: BLE001 - the last line of defence must not fail
        current_app.logger.exception("the %s page failed; answering the plain one", status)
        return render_template("errors/plain.html", status=status, message=message), status


_PAGES = (400, 403, 404, 405, 413, 422, 500)


def _discard_transaction() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a lost connection: the plain page needs none
        current_app.logger.exception("rollback before the error page failed")


def _error_titles() -> dict[int, str]:
    return {400: _("Bad request"), 403: _("Not allowed"), 404: _("Page not found"),
            405: _("Wrong request method")}


def _error_messages() -> dict[int, str]:
    limits = photo_limits()
    return {
        413: _("The upload is larger than the %(limit)s MB the system takes at once (a photo may be at "
               "most %(photo)s MB). Nothing of it was saved: go back, choose a smaller photo and send "
               "again.", limit=current_app.config["MAX_CONTENT_LENGTH"] // 1048576,
               photo=limits.max_bytes // 1048576),
        500: _("The system could not finish this request. Nothing was half-saved; please try again, "
               "and tell the hygiene office if it keeps happening."),
    }
