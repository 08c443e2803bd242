"""How the audit trail words a round's field work: work records, mop-ups and refusals."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import ACTIONS, register_field_labels, register_record_type, register_value_labels
from hygiene.pests.rounds.status import WorkKind
from hygiene.pests.rounds.work_schemas import REASON_LABELS

register_record_type("pest_round_work", _l("Control round work"), ("pest_round_work", "pest_round_refusal"))
register_field_labels({
    "done_on": _l("Date done"), "households_covered": _l("Households covered"), "area_covered": _l("Area"),
    "baits_placed": _l("Baits placed"), "quantity_used": _l("Quantity used"), "done_by": _l("Done by"),
    "household_name": _l("Household"), "round": _l("Control round"), "target": _l("Round target"),
})
register_value_labels("reason", REASON_LABELS)
register_value_labels("kind", WorkKind.labels())
# the office removes a work record entered by mistake (rounds.work.work_delete)
ACTIONS.setdefault("remove", _l("removed (entered by mistake)"))
