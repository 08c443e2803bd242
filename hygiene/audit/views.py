"""The audit trail page for administrators."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from hygiene.audit.labels import field_label, value_text
from hygiene.audit.queries import events_stmt
from hygiene.core.web import page_number, require_admin
from hygiene.extensions import db

bp = Blueprint("audit", __name__, url_prefix="/audit")
# the trail's table (macros.html) is on many pages: changed fields and values in the reader's language
bp.add_app_template_global(field_label, "audit_field")
bp.add_app_template_global(value_text, "audit_value")


@bp.get("/")
@login_required
def event_list():
    scope = require_admin()
    entity_type = request.args.get("type") or None
    page = db.paginate(events_stmt(scope, entity_type=entity_type), page=page_number(),
                       per_page=50, error_out=False)
    return render_template("audit/list.html", page=page, entity_type=entity_type)
