"""How the audit trail words user accounts and their roles."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.accounts.forms import ROLE_LABELS
from hygiene.audit.labels import register_record_type, register_value_labels

register_record_type("user_account", _l("Users"), ("user_account",))
register_value_labels("role", {role.value: label for role, label in ROLE_LABELS.items()})
