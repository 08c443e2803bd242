"""The roles a user may have; access decisions start from them."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    INSPECTOR = "inspector"
    VILLAGE_CONTACT = "village_contact"
    UNIT_CONTACT = "unit_contact"
