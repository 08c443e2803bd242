"""How the audit trail words follow-up problems and the yearly sample."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import (
    ACTIONS,
    register_field_labels,
    register_record_label,
    register_record_type,
    register_value_labels,
)
from hygiene.toilets.kinds import PROBLEM_KINDS
from hygiene.toilets.status import ProblemStatus
from hygiene.toilets.type_names import kind_name

register_record_type("toilet_problem", _l("Toilet follow-up problems"), ("toilet_problem",))
register_record_type("toilet_follow_up_sample", _l("Toilet follow-up samples"), ("toilet_follow_up_sample",))
register_field_labels({
    "toilet": _l("Toilet"), "kind": _l("Problem"), "reported_on": _l("Found on"), "fixed_on": _l("Fixed on"),
    "fix_note": _l("What was done"), "source": _l("Found by"), "checked_on": _l("Checked on"),
    "seed": _l("Seed"), "population": _l("Accepted toilets"), "chosen": _l("Chosen"),
})
register_value_labels("status", ProblemStatus.labels())
register_value_labels("kind", lambda: {key: k.name["zh"] for key, k in PROBLEM_KINDS.items()})
register_value_labels("source", {"report": _l("Reported"), "follow_up": _l("Follow-up sample")})
ACTIONS.update({"check": _l("checked in the follow-up")})
ACTIONS.update({"status": _l("changed the status")})
register_record_label("toilet_problem", lambda id, kind: _("Follow-up problem No. %(id)s: %(name)s", id=id,
                                                              name=kind_name(kind)))
register_record_label("toilet_follow_up_sample", lambda year: _("Follow-up sample %(year)d", year=year))
