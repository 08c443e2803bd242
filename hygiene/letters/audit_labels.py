"""How the audit trail words target letters."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import (
                       register_field_labels,
                       register_record_type,
                       register_value_labels,
                       register_value_words,
)
from hygiene.letters.kinds import TARGET_KINDS
from hygiene.letters.status import LetterStatus, Outcome

register_record_type("target_letter", _l("Target letters"), ("target_letter",))
register_field_labels({"signed_on": _l("Signed on"), "signed_by_name": _l("Signed for the village by"),
                       "unit_name": _l("Unit"), "acknowledged_at": _l("Acknowledged by the contact"),
                       "outcome": _l("Decision"), "amount": _l("Reward or penalty (yuan)"),
                       "decision_note": _l("Note"),
                       **{key: _l("Target: %(kind)s", kind=kind.label) for key, kind in TARGET_KINDS.items()}})
register_value_words("outcome", lambda value: Outcome.label_of(str(value)))
register_value_labels("status", LetterStatus.labels())
