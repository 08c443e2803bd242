"""How the audit trail words the briefing's shared links."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import register_field_labels, register_record_type

register_record_type("briefing_link", _l("Shared briefing links"), ("briefing_link",))
register_field_labels({"period": _l("Period")})
