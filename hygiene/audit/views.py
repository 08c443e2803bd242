"""The audit trail page for administrators."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from hygiene.audit.queries import events_stmt
from hygiene.core.web import page_number, require_admin
from hygiene.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@login_required
def event_list():
    scope = require_admin()
    entity_type = request.args.get("type") or None
    page = db.paginate(events_stmt(scope, entity_type=entity_type), page=page_number(),
                       per_page=50, error_out=False)
    return render_template("audit/list.html", page=page, entity_type=entity_type)
