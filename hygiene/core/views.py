"""The dashboard each role lands on (the error pages: hygiene/core/error_page.py)."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from hygiene.accounts.models import Role
from hygiene.audit.queries import events_stmt
from hygiene.clock import local_today
from hygiene.core.dashboard import dashboard_counts, open_orders, recent_published
from hygiene.core.web import current_scope
from hygiene.extensions import db
from hygiene.inspections.queries import inspector_agenda

bp = Blueprint("core", __name__)


@bp.get("/")
@login_required
def dashboard():
    scope, today = current_scope(), local_today()
    counts, work = dashboard_counts(scope, today)
    context = {"counts": counts, "scope": scope, "today": today, "work": work}
    if scope.is_admin:
        context["events"] = db.session.scalars(events_stmt(scope).limit(8)).all()
    if scope.role is Role.INSPECTOR:
        context |= inspector_agenda(scope=scope, user_id=current_user.id, today=today)
    if not scope.township_wide:
        context |= {"orders": open_orders(scope), "published": recent_published(scope),
                    "village": current_user.village, "unit": current_user.unit}
    return render_template("core/dashboard.html", **context)
