"""How the audit trail words inspections and their statuses."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import register_record_type, register_value_labels
from hygiene.inspections.status import InspectionStatus

register_record_type("inspection", _l("Inspections"), ("inspection",))
register_value_labels("status", InspectionStatus.labels())
