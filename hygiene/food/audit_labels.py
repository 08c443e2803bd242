"""How the audit trail words banquets, health certificates and the food settings."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import (
    ACTIONS,
    register_field_labels,
    register_record_label,
    register_record_type,
    register_value_labels,
    register_value_words,
)
from hygiene.food.status import BanquetStatus
from hygiene.food.words import KIND_LABELS, MEAL_LABELS, points_text

register_record_type("food_banquet", _l("Rural banquets"), ("food_banquet",))
register_record_type("food_health_certificate", _l("Health certificates"), ("food_health_certificate",))
register_record_type("food_settings", _l("Food-safety settings"), ("food_settings",))
register_field_labels({
    "host_name": _l("Host"), "host_phone": _l("Host's phone"), "banquet_on": _l("Date"), "meal": _l("Meal"),
    "place": _l("Place"), "tables": _l("Tables"), "diners": _l("Diners"), "cook_name": _l("Cook"),
    "cook_phone": _l("Cook's phone"), "cook_cert_number": _l("Cook's health certificate No."),
    "cook_cert_expires_on": _l("Cook's health certificate valid until"), "check_passed": _l("Check passed"),
    "check_points": _l("What was in order"), "check_note": _l("Check findings"), "worker_name": _l("Worker"),
    "food_unit": _l("Unit"), "issued_on": _l("Date of issue"), "expires_on": _l("Valid until"),
    "days_ahead": _l("Days ahead to register"), "check_min_diners": _l("On-site check from diners"),
    "remind_days": _l("Reminder days before expiry"),
})
register_value_labels("status", BanquetStatus.labels())
register_value_labels("meal", MEAL_LABELS)
register_value_labels("kind", KIND_LABELS)
register_value_words("check_points", lambda value: points_text(value))
ACTIONS.update({"site_check": _l("checked on site"), "hold": _l("marked as held"), "retire": _l("took off the list")})
register_record_label("food_banquet", lambda host, day: _("Banquet of %(host)s on %(day)s", host=host, day=day))
register_record_label("food_health_certificate", lambda name: _("Health certificate of %(name)s", name=name))
register_record_label("food_settings", lambda: _("Food-safety settings"))
