"""How the audit trail words the year's toilet tasks."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import register_field_labels, register_record_type, register_value_words
from hygiene.toilets.type_names import type_name

register_record_type("toilet_task", _l("Toilet renovation tasks"), ("toilet_task",))
register_field_labels({"household_quota": _l("Household toilets to renovate"),
                       "public_quota": _l("Public toilets to repair"), "subsidy_rates": _l("Subsidy per toilet"),
                       "year": _l("Year"), "village": _l("Village / community")})


def _rates(value: object) -> str:
    if not isinstance(value, dict):
        return str(value)
    return "；".join(_("%(type)s %(amount)s yuan", type=type_name(key), amount=amount)
                    for key, amount in value.items()) or _("none")


register_value_words("subsidy_rates", _rates)
