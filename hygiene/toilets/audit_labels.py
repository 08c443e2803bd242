"""How the audit trail words household toilets and public toilet projects."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import ACTIONS, register_field_labels, register_record_type, register_value_labels
from hygiene.toilets.kinds import TOILET_TYPES
from hygiene.toilets.status import ToiletStage

register_record_type("household_toilet", _l("Household toilets"), ("household_toilet",))
register_record_type("public_toilet_project", _l("Public toilet projects"), ("public_toilet_project",))
register_field_labels({
    "stage": _l("Stage"), "household": _l("Household"), "village": _l("Village / community"), "year": _l("Year"),
    "toilet_type": _l("Toilet type"), "attached": _l("Inside the house (附建式)"),
    "demonstration": _l("Demonstration household (示范户)"), "completed_on": _l("Completed on"),
    "accepted_on": _l("Accepted on"), "failed_reasons": _l("Reasons it failed"), "reasons": _l("Reasons it failed"),
    "reworks": _l("Reworks"), "subsidy_amount": _l("Subsidy (yuan)"), "subsidy_paid_on": _l("Subsidy paid on"),
    "subsidy_paid_by_id": _l("Subsidy paid by"),
    "subsidy_paid_by": _l("Subsidy paid by"), "acceptance_inspection_id": _l("Acceptance inspection"),
})
# an acceptance inspection asked for outside a plan (hygiene/inspections/adhoc.py)
register_field_labels({"target": _l("Target"), "template": _l("Checklist"), "due_date": _l("Due date"),
                       "inspectors": _l("Inspectors")})
register_value_labels("stage", ToiletStage.labels())
register_value_labels("toilet_type", lambda: {key: t.name["zh"] for key, t in TOILET_TYPES.items()})
ACTIONS.update({"stage": _l("moved to the next stage")})
