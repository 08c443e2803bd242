"""How the audit trail words monitoring records."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import (
    register_field_labels,
    register_record_label,
    register_record_type,
    register_value_labels,
)
from hygiene.pests.surveys import METHODS
from hygiene.pests.words import PEST_LABELS, in_reader_language

register_record_type("monitoring_record", _l("Pest density monitoring"), ("monitoring_record",))
register_field_labels({"pest": _l("Pest"), "method": _l("Monitoring method"), "surveyed_on": _l("Survey date"),
                       "counts": _l("Counts"), "village": _l("Village / community"), "surveyed_unit": _l("Unit")})
register_value_labels("pest", PEST_LABELS)
register_value_labels("method", lambda: {key: in_reader_language(m.name) for (_pest, key), m in METHODS.items()})


def _record(day: str, pest: str, method: str) -> str:
    """A monitoring record as people say it: 2026-11-29 鼠类 · 粘鼠板法."""
    found = METHODS.get((pest, method))
    return f"{day} {PEST_LABELS.get(pest, pest)} · {in_reader_language(found.name) if found else method}"


register_record_label("monitoring_record", _record)
