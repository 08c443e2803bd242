"""How the audit trail words checklists."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import register_record_type

register_record_type("checklist_template", _l("Checklists"), ("checklist_template",))
