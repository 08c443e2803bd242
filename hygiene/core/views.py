"""The dashboard each role lands on, and the error pages."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.accounts.models import Role
from hygiene.audit.queries import events_stmt
from hygiene.clock import local_today
from hygiene.core.dashboard import open_orders, recent_published, work_counts
from hygiene.core.web import current_scope, photo_limits
from hygiene.extensions import db
from hygiene.inspections.queries import inspector_agenda
from hygiene.places.queries import register_counts

bp = Blueprint("core", __name__)


@bp.get("/")
@login_required
def dashboard():
    scope, today = current_scope(), local_today()
    context = {"counts": register_counts(scope), "scope": scope, "today": today,
               "work": work_counts(scope, today)}
    if scope.is_admin:
        context["events"] = db.session.scalars(events_stmt(scope).limit(8)).all()
    if scope.role is Role.INSPECTOR:
        context |= inspector_agenda(scope=scope, user_id=current_user.id, today=today)
    if not scope.township_wide:
        context |= {"orders": open_orders(scope), "published": recent_published(scope),
                    "village": current_user.village, "unit": current_user.unit}
    return render_template("core/dashboard.html", **context)


def error_page(status: int, message: str = ""):
    """Render the Chinese (or English) page for an HTTP error, never a stack trace.

    The failed request's transaction is rolled back first, so the page (whose header reads the
    signed-in user and the bell) never runs on it; should the page still fail, a plain one that
    needs no database answers. Script requests (JSON) get {"error": ...} instead of a page."""
    _discard_transaction()
    message = message or _error_messages().get(status, "")
    if request.is_json or request.accept_mimetypes.best == "application/json":
        return jsonify(error=message or _error_titles().get(status, _("Something went wrong"))), status
    try:
        return render_template(f"errors/{status}.html", message=message), status
    except Exception:  # noqa: BLE001 - the last line of defence must not fail
        current_app.logger.exception("the %s page failed; answering the plain one", status)
        return render_template("errors/plain.html", status=status, message=message), status


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
