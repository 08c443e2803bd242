"""Pure rules for a user's contact details: an e-mail address and a mainland mobile number."""
from __future__ import annotations

import re

from hygiene.places.rules import clean_text, normalise_phone

EMAIL_MAX = 120
# one @, a dot in the domain, no spaces: what a mail server will take; deliverability is not ours to prove
_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalise_email(value: object) -> str | None:
    """The address as stored (trimmed, domain lower-cased), '' for none, None when it is not one."""
    text = clean_text(value)
    if not text:
        return ""
    if len(text) > EMAIL_MAX or not _EMAIL.match(text):
        return None
    local, _at, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


def normalise_mobile(value: object) -> str | None:
    """The 11-digit mainland mobile number ('' for none), None when it is not one.

    Spaces, dashes and a +86 prefix are tolerated the way people type them; a landline is
    refused, since a text message cannot reach it."""
    text = clean_text(value)
    if not text:
        return ""
    digits = normalise_phone(text)
    if digits is None and text.replace(" ", "").startswith("86"):
        digits = normalise_phone("+" + text.replace(" ", ""))
    return digits if digits and _MOBILE.match(digits) else None


def is_mobile(value: str) -> bool:
    """True for an 11-digit mainland mobile number as stored."""
    return bool(_MOBILE.match(value or ""))
