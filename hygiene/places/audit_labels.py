"""How the audit trail words the register: its kinds of record, types, categories and place ids."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import register_named_ids, register_record_type, register_value_labels
from hygiene.places.models import Township, Unit, Village
from hygiene.places.rules import TOWNSHIP_KINDS, UNIT_CATEGORIES, VILLAGE_KINDS

register_record_type("township", _l("Townships"), ("township",))
register_record_type("village", _l("Villages and communities"), ("village",))
register_record_type("unit", _l("Units"), ("unit",))
register_record_type("household", _l("Households"), ("household",))
register_record_type("cleaner", _l("Cleaners"), ("cleaner",))
register_value_labels("kind", VILLAGE_KINDS | TOWNSHIP_KINDS)
register_value_labels("category", UNIT_CATEGORIES)
for field, model in {"township_id": Township, "village_id": Village, "unit_id": Unit}.items():
    register_named_ids(field, model)
