"""How the audit trail words control rounds: the record, its fields, its codes and its moves."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import (
    ACTIONS,
    register_field_labels,
    register_record_type,
    register_value_labels,
    register_value_words,
)
from hygiene.pests.rounds.status import RoundStatus
from hygiene.pests.rounds.words import SEASON_LABELS, pests_text, rules_text

register_record_type("pest_round", _l("Control rounds"), ("pest_round",))
register_field_labels({
    "pests": _l("What the round controls"), "season": _l("Season"), "starts_on": _l("Start date"),
    "ends_on": _l("End date"), "control_method": _l("Method"), "dose": _l("Dose"), "unified_rules": _l("Unified rules in force"),
    "coverage_goal": _l("Coverage goal (percent)"), "targets": _l("Villages and units"),
})
register_value_labels("season", SEASON_LABELS)
register_value_labels("status", RoundStatus.labels())
register_value_words("pests", lambda value: pests_text(value) if isinstance(value, list) else str(value))
register_value_words("unified_rules", lambda value: rules_text(value) if isinstance(value, list) else str(value))
ACTIONS.update({"announce": _l("announced"), "close": _l("closed"), "reopen": _l("reopened")})
