"""How the audit trail words rectification orders and their statuses."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.audit.labels import register_record_type, register_value_labels
from hygiene.rectifications.status import OVERDUE_LABEL, OrderStatus

register_record_type("rectification_order", _l("Rectification orders"), ("rectification_order",))
register_value_labels("status", OrderStatus.labels() | {"overdue": OVERDUE_LABEL})
