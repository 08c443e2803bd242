"""The checked inputs of a round's field work: a work record (or mop-up) and a refusal. Pure field
checks; what needs the round, the target or the ledger (dates inside the round, the product
held, the stock) is checked in rounds.work."""
from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BeforeValidator

from hygiene.core.schemas import InputModel, RecordId, a_date, no_control_characters, refusal, typed_text
from hygiene.pests.rounds.models import REFUSAL_REASONS
from hygiene.pests.rounds.status import WorkKind

REASON_LABELS = {"refused": _l("Refused the bait"), "absent": _l("Nobody at home"),
                 "no_access": _l("No way in"), "livestock_or_children": _l("Livestock or small children"),
                 "other": _l("Other reason")}
MAX_COUNT = 1_000_000          # households or baits in one record: more than any township has
MAX_AREA = Decimal(10**9)      # m2 (a thousand square kilometres) or mu: no round treats more





def _typed(value: object) -> str:
    """What a person typed, half-width (full-width digits are digits), without thousands commas."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip().replace(",", "")
    no_control_characters(text)
    return text


def _count(value: object) -> int | None:
    """A whole number of 0 or more, or None when left empty."""
    text = _typed(value)
    if not text:
        return None
    if text.startswith("-") and text[1:].isdigit():
        raise refusal(_("Enter 0 or more, not a negative number."))
    if not text.isdigit():
        raise refusal(_("Enter a whole number."))
    if int(text) > MAX_COUNT:
        raise refusal(_("This number is too large."))
    return int(text)


def _number(value: object, places: int, largest: Decimal) -> Decimal | None:
    text = _typed(value)
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise refusal(_("Enter a number.")) from None
    if not number.is_finite():
        raise refusal(_("Enter a number."))
    if number < 0:
        raise refusal(_("Enter 0 or more, not a negative number."))
    if number > largest:
        raise refusal(_("This number is too large."))
    if number != round(number, places):
        raise refusal(_("At most %(n)d decimal places.", n=places))
    return number


def _area(value: object) -> Decimal | None:
    return _number(value, 2, MAX_AREA)


def _quantity(value: object) -> Decimal | None:
    """An amount used; its unit and precision are the product's (checked in the service)."""
    number = _number(value, 3, Decimal(10**9))
    if number == 0:
        return None
    return number


def _kind(value: object) -> str:
    if value not in (WorkKind.COMPLETION, WorkKind.MOP_UP):
        raise refusal(_("Choose a value from the list."))
    return str(value)


def _reason(value: object) -> str:
    if value not in REFUSAL_REASONS:
        raise refusal(_("Choose a reason from the list."))
    return str(value)


def _ids(value: object) -> list[int]:
    """The refusals a mop-up covered, ticked in the form; anything unreadable is refused."""
    values = value if isinstance(value, list | tuple) else [] if value in (None, "") else [value]
    chosen = []
    for one in values:
        text = _typed(one)
        if not text.isdigit() or int(text) > 2**31 - 1:
            raise refusal(_("Choose a value from the list."))
        chosen.append(int(text))
    return sorted(set(chosen))


def _request_key(value: object) -> str | None:
    text = str(value or "").strip()[:64]
    no_control_characters(text)
    return text or None


class WorkInput(InputModel):
    kind: Annotated[str, BeforeValidator(_kind)] = WorkKind.COMPLETION
    done_on: Annotated[date, BeforeValidator(a_date)]
    households_covered: Annotated[int | None, BeforeValidator(_count)] = None
    area_covered: Annotated[Decimal | None, BeforeValidator(_area)] = None
    baits_placed: Annotated[int | None, BeforeValidator(_count)] = None
    product_id: RecordId = None
    quantity_used: Annotated[Decimal | None, BeforeValidator(_quantity)] = None
    done_by: Annotated[str, typed_text(100, required=True)]
    note: Annotated[str, typed_text(2000)] = ""
    resolves: Annotated[list[int], BeforeValidator(_ids)] = []  # open refusals a mop-up covered
    request_key: Annotated[str | None, BeforeValidator(_request_key)] = None  # one per form shown


class RefusalInput(InputModel):
    household_id: RecordId = None
    household_name: Annotated[str, typed_text(60)] = ""
    reason: Annotated[str, BeforeValidator(_reason)]
    note: Annotated[str, typed_text(200)] = ""
