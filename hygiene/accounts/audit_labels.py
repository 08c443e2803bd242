"""How the audit trail words user accounts and their roles."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.accounts.forms import ROLE_LABELS
from hygiene.audit.labels import (
    ACTIONS,
    register_field_labels,
    register_record_label,
    register_record_type,
    register_value_labels,
)

register_record_type("user_account", _l("Users"), ("user_account",))
register_value_labels("role", {role.value: label for role, label in ROLE_LABELS.items()})
register_record_type("api_token", _l("API tokens"), ("api_token",))
register_record_label("api_token", lambda name: _("API token “%(name)s”", name=name))
ACTIONS.update({"token_create": _l("made"), "token_revoke": _l("revoked")})
register_field_labels({"purpose": _l("Used by"), "revoked": _l("Revoked")})
register_value_labels("purpose", {"client": _l("a program"), "offline": _l("the field app")})
