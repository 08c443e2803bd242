"""How the audit trail words the supplies ledger: products, movements and their fields."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import (
    register_field_labels,
    register_named_ids,
    register_record_label,
    register_record_type,
    register_value_labels,
)
from hygiene.pests.models import PestProduct
from hygiene.pests.schemas import MOVEMENT_KINDS

register_record_type("pest_product", _l("Pest-control products"), ("pest_product",))
register_record_type("supply_movement", _l("Supplies movements"), ("supply_movement",))
register_field_labels({
    "active_ingredient": _l("Active ingredient"), "registration_number": _l("Pesticide registration number"),
    "form": _l("Formulation"), "unit": _l("Measure"), "expiry": _l("Expiry date"),
    "minimum_stock": _l("Minimum stock"), "quantity": _l("Quantity"), "taker_name": _l("Taken by"),
    "moved_on": _l("Date"), "product_id": _l("Product"),
})
register_value_labels("kind", MOVEMENT_KINDS)
register_named_ids("product_id", PestProduct)
register_record_type("pest_settings", _l("Pest-control settings"), ("pest_settings",))
register_record_label("pest_settings", lambda: _("Pest-control settings"))
register_field_labels({
    "spray_months": _l("Peak spraying season (months)"), "spray_every_days_min": _l("Shortest spray interval (days)"),
    "spray_every_days_max": _l("Longest spray interval (days)"),
    "days_before_end": _l("Days before a round's end to remind"),
})
