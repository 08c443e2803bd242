"""How the audit trail words inspection plans: what they inspect and how often."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import register_record_type, register_value_labels
from hygiene.inspections.plans.forms import RECURRENCE_LABELS, TARGET_MODE_LABELS

register_record_type("inspection_plan", _l("Inspection plans"), ("inspection_plan",))
register_value_labels("mode", TARGET_MODE_LABELS)
register_value_labels("recurrence", RECURRENCE_LABELS)
