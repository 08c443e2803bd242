"""Quantities of pest-control products: exact Decimals with a unit, converted only within a family.

Mass (g, kg) and volume (ml, L) convert; counted units (包, 袋, 瓶) are each their own family,
since a bag of one product weighs what its label says, not what this module could know."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from hygiene.pests.indices import non_negative_number
from hygiene.pests.refusals import Refused

# unit -> (family, how many of the family's base unit it holds)
UNITS: dict[str, tuple[str, Decimal]] = {
    "g": ("mass", Decimal(1)), "kg": ("mass", Decimal(1000)),
    "ml": ("volume", Decimal(1)), "L": ("volume", Decimal(1000)),
    "包": ("包", Decimal(1)), "袋": ("袋", Decimal(1)), "瓶": ("瓶", Decimal(1)),
}
SPELLINGS = {"克": "g", "千克": "kg", "公斤": "kg", "毫升": "ml", "升": "L", "l": "L", "公升": "L"}
PLACES = 3                              # a thousandth of the unit: kg to the gram, L to the ml
MAX_BASE = Decimal(10**9)               # a tonne in grams, a thousand cubic metres in ml: no office stocks more


def unit_of(text: object, field: str = "unit") -> str:
    """The unit a person typed ("KG", "公斤", "ｍｌ", " 袋 ") in its canonical spelling."""
    cleaned = unicodedata.normalize("NFKC", str(text)).strip() if isinstance(text, str) else ""
    for candidate in (cleaned, cleaned.lower()):
        if candidate in UNITS:
            return candidate
        if candidate in SPELLINGS:
            return SPELLINGS[candidate]
    raise Refused("unknown_unit", f"{field}: {text!r} is not a unit the ledger knows "
                  f"({', '.join(UNITS)}).", field=field, unit=str(text))


@dataclass(frozen=True)
class Quantity:
    amount: Decimal
    unit: str

    @property
    def family(self) -> str:
        return UNITS[self.unit][0]

    def __str__(self) -> str:
        return f"{self.amount.normalize():f} {self.unit}"


def quantity(amount: object, unit: object, *, field: str = "quantity", allow_zero: bool = False) -> Quantity:
    """A checked quantity: finite, positive (or zero if allowed), at most a thousandth of the unit,
    whole for counted units, and not absurdly large."""
    canonical = unit_of(unit, f"{field} unit")
    number = non_negative_number(amount, field)
    if number == 0 and not allow_zero:
        raise Refused("not_positive", f"{field} must be more than 0.", field=field)
    family, factor = UNITS[canonical]
    if number * factor > MAX_BASE:     # first: rounding a huge Decimal would overflow its precision
        raise Refused("too_large", f"{field} is too large.", field=field)
    places = 0 if family == canonical else PLACES
    if number != round(number, places):
        raise Refused("too_precise", f"{field} may have at most {places} decimal places in {canonical}.",
                      field=field, places=places)
    return Quantity(number, canonical)


def convert(q: Quantity, unit: str, *, field: str = "quantity") -> Quantity:
    """`q` in `unit`, exactly; refused between families (grams to bags, litres to grams)."""
    target = unit_of(unit, f"{field} unit")
    (family, factor), (target_family, target_factor) = UNITS[q.unit], UNITS[target]
    if family != target_family:
        raise Refused("incompatible_units", f"{field}: {q.unit} cannot be converted to {target}.",
                      field=field, unit=q.unit, to=target)
    return Quantity(q.amount * factor / target_factor, target)
