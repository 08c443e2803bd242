"""The dashboard each role lands on, and the error pages."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from hygiene.accounts.models import Role
from hygiene.audit.queries import events_stmt
from hygiene.core.web import current_scope
from hygiene.extensions import db
from hygiene.places.queries import register_counts, visible_villages

bp = Blueprint("core", __name__)


@bp.get("/")
@login_required
def dashboard():
    scope = current_scope()
    context = {"counts": register_counts(scope), "scope": scope}
    if scope.is_admin:
        context["events"] = db.session.scalars(events_stmt(scope).limit(8)).all()
    if scope.township_wide:
        context["villages"] = visible_villages(scope)
    if scope.role is Role.VILLAGE_CONTACT:
        context["village"] = current_user.village
    if scope.role is Role.UNIT_CONTACT:
        context["unit"] = current_user.unit
    return render_template("core/dashboard.html", **context)


def error_page(status: int):
    """Render the Chinese (or English) page for an HTTP error, never a stack trace."""
    return render_template(f"errors/{status}.html"), status
