"""The audit trail page for administrators."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from hygiene.audit.changes import events_changes
from hygiene.audit.labels import RECORD_TYPES, action_label, field_label, value_text
from hygiene.audit.queries import events_stmt
from hygiene.core.web import paginated, require_admin

bp = Blueprint("audit", __name__, url_prefix="/audit")
# the trail's table (macros.html) is on many pages: changed fields and values in the reader's language
bp.add_app_template_global(field_label, "audit_field")
bp.add_app_template_global(value_text, "audit_value")
bp.add_app_template_global(events_changes, "audit_changes")
bp.add_app_template_global(action_label, "audit_action")


@bp.get("/")
@login_required
def event_list():
    scope = require_admin()
    record_type = request.args.get("type") or None
    entity_types = RECORD_TYPES[record_type].entity_types if record_type in RECORD_TYPES else None
    page = paginated(events_stmt(scope, entity_types=entity_types), per_page=50)
    return render_template("audit/list.html", page=page, entity_type=record_type, record_types=RECORD_TYPES)
