"""Density indices computed from raw counts, as domain-standards.md §1.2-1.7 defines them.

Every function takes the raw counts by keyword and returns an exact Decimal (round only to
show it, with `shown`). Bad input is refused with `Refused`, naming the field: the names are
the parameters' unless `fields` maps a parameter to the name the user typed it under.
`INDICES` is the registry the standards data names its indices by."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from hygiene.pests.refusals import Refused

MAX_COUNT = 2**31 - 1          # PostgreSQL's integer: what a count column will hold
MAX_AMOUNT = Decimal(10**6)    # km of path, hours of netting: far beyond any survey
AMOUNT_PLACES = 3              # a metre of path; also keeps every index within a Decimal's precision
HUNDRED = Decimal(100)
Fields = Mapping[str, str] | None


def _name(fields: Fields, param: str) -> str:
    return (fields or {}).get(param, param)


def non_negative_number(value: object, field: str) -> Decimal:
    """Any finite number as a Decimal; bools, text and NaN are refused."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise Refused("not_a_number", f"{field} must be a number.", field=field)
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)   # 0.1 stays 0.1
    if not number.is_finite():
        raise Refused("not_finite", f"{field} must be a finite number.", field=field)
    if number < 0:
        raise Refused("negative", f"{field} cannot be negative.", field=field)
    return number


def whole_count(value: object, field: str = "count") -> int:
    """A whole, non-negative count no larger than a database integer."""
    number = non_negative_number(value, field)
    if number != number.to_integral_value():
        raise Refused("not_whole", f"{field} must be a whole number.", field=field)
    if number > MAX_COUNT:
        raise Refused("too_large", f"{field} is too large (at most {MAX_COUNT}).", field=field, max=MAX_COUNT)
    return int(number)


def amount(value: object, field: str) -> Decimal:
    """A positive measured amount (km to the metre, hours): a divisor, so zero is refused."""
    number = non_negative_number(value, field)
    if number > MAX_AMOUNT:
        raise Refused("too_large", f"{field} is too large (at most {MAX_AMOUNT}).", field=field, max=MAX_AMOUNT)
    if number != round(number, AMOUNT_PLACES):
        raise Refused("too_precise", f"{field} may have at most {AMOUNT_PLACES} decimal places.",
                      field=field, places=AMOUNT_PLACES)
    _divisor(number, field)
    return number


def _divisor(number: Decimal | int, field: str) -> None:
    if number == 0:
        raise Refused("zero_denominator", f"{field} must be more than 0: the index divides by it.", field=field)


def _within(positive: int, checked: int, fields: Fields, p: str = "positive", c: str = "checked") -> None:
    if positive > checked:
        raise Refused("more_positive_than_checked",
                      f"{_name(fields, p)} ({positive}) cannot be more than {_name(fields, c)} ({checked}).",
                      field=_name(fields, p), positive=positive, checked=checked, of=_name(fields, c))


def rate(*, positive: object, checked: object, fields: Fields = None) -> Decimal:
    """Positive ÷ checked × 100 (%): rooms with signs, positive dips, compliant sites, capture rate..."""
    p, c = whole_count(positive, _name(fields, "positive")), whole_count(checked, _name(fields, "checked"))
    _divisor(c, _name(fields, "checked"))
    _within(p, c, fields)
    return Decimal(p) * HUNDRED / c


def per_hundred(*, positive: object, base: object, fields: Fields = None) -> Decimal:
    """Positive ÷ base × 100, where positives may outnumber the base (Breteau, ovitrap index)."""
    p, b = whole_count(positive, _name(fields, "positive")), whole_count(base, _name(fields, "base"))
    _divisor(b, _name(fields, "base"))
    return Decimal(p) * HUNDRED / b


def route_index(*, points: object, km: object, fields: Fields = None) -> Decimal:
    """Sign or positive-site points per km of inspected path (处/km)."""
    return whole_count(points, _name(fields, "points")) / amount(km, _name(fields, "km"))


def per_positive(*, count: object, positive: object, fields: Fields = None) -> Decimal | None:
    """What made places positive ÷ positive places (flies per room with flies, larvae per positive
    dip); None when nothing was positive. Each positive place holds at least one."""
    value = per_positive_part(count=count, positive=positive, fields=fields)
    n, p = whole_count(count, _name(fields, "count")), whole_count(positive, _name(fields, "positive"))
    if n < p:
        raise Refused("count_below_positive",
                      f"{_name(fields, 'count')} ({n}) cannot be fewer than {_name(fields, 'positive')} ({p}): "
                      "each positive place has at least one.", field=_name(fields, "count"), count=n, positive=p)
    return value


def per_positive_part(*, count: object, positive: object, fields: Fields = None) -> Decimal | None:
    """One kind among what made places positive ÷ positive places (small, or large, cockroaches per
    room with cockroaches): a positive room may have none of this kind. None when nothing was positive."""
    n, p = whole_count(count, _name(fields, "count")), whole_count(positive, _name(fields, "positive"))
    if p == 0:
        if n:
            raise Refused("count_without_positive",
                          f"{_name(fields, 'count')} ({n}) was counted, but {_name(fields, 'positive')} is 0.",
                          field=_name(fields, "count"), count=n)
        return None
    return Decimal(n) / p


def per_unit(*, caught: object, units: object, fields: Fields = None) -> Decimal:
    """Caught ÷ units set: flies per cage, cockroaches per valid sticky trap."""
    c, u = whole_count(caught, _name(fields, "caught")), whole_count(units, _name(fields, "units"))
    _divisor(u, _name(fields, "units"))
    return Decimal(c) / u


def landing_index(*, landed: object, persons: object, sessions: object, fields: Fields = None) -> Decimal:
    """Mosquitoes landing ÷ (persons × sessions)."""
    n = whole_count(landed, _name(fields, "landed"))
    persons_, sessions_ = whole_count(persons, _name(fields, "persons")), whole_count(sessions, _name(fields, "sessions"))
    _divisor(persons_, _name(fields, "persons"))
    _divisor(sessions_, _name(fields, "sessions"))
    return Decimal(n) / (persons_ * sessions_)


def light_trap_density(*, caught: object, lamps: object, nights: object, fields: Fields = None) -> Decimal:
    """Mosquitoes ÷ (lamps × nights), 只/(灯·夜)."""
    n = whole_count(caught, _name(fields, "caught"))
    lamps_, nights_ = whole_count(lamps, _name(fields, "lamps")), whole_count(nights, _name(fields, "nights"))
    _divisor(lamps_, _name(fields, "lamps"))
    _divisor(nights_, _name(fields, "nights"))
    return Decimal(n) / (lamps_ * nights_)


def double_net_density(*, caught: object, nets: object, hours: object, fields: Fields = None) -> Decimal:
    """Mosquitoes ÷ (nets × hours), 只/(帐·时)."""
    n, nets_ = whole_count(caught, _name(fields, "caught")), whole_count(nets, _name(fields, "nets"))
    _divisor(nets_, _name(fields, "nets"))
    return Decimal(n) / (nets_ * amount(hours, _name(fields, "hours")))


def count_index(*, count: object, fields: Fields = None) -> Decimal:
    """A plain count as an index: the hard rules ("zero flies in ready-to-eat premises")."""
    return Decimal(whole_count(count, _name(fields, "count")))


@dataclass(frozen=True)
class Allowance:
    rooms_up_to: int
    allowed: int


def units_over_allowance(units: Iterable[tuple[object, object]], table: Sequence[Allowance]) -> int:
    """How many units have more rooms with flies than their size allows (GB/T 27772 hard rule).
    `units` are (rooms, rooms with flies) pairs; `table` is the edition's allowance, smallest first."""
    over = 0
    for number, (rooms, with_flies) in enumerate(units, start=1):
        size, flies = whole_count(rooms, f"unit {number}: rooms"), whole_count(with_flies, f"unit {number}: rooms with flies")
        _divisor(size, f"unit {number}: rooms")
        _within(flies, size, {"positive": f"unit {number}: rooms with flies", "checked": f"unit {number}: rooms"})
        row = next((row for row in table if size <= row.rooms_up_to), None)
        if row is None:
            raise Refused("unit_too_large", f"unit {number}: the standard sets no allowance for {size} rooms "
                          f"(only up to {table[-1].rooms_up_to}).", field=f"unit {number}: rooms", rooms=size)
        over += flies > row.allowed
    return over


# Named as the reference names them, for callers that compute one index by hand.
def positive_room_rate(*, rooms_positive: object, rooms_checked: object) -> Decimal:
    """Rooms with signs (rodents, cockroaches) or with flies ÷ rooms checked × 100 (%)."""
    return rate(positive=rooms_positive, checked=rooms_checked,
                fields={"positive": "rooms_positive", "checked": "rooms_checked"})


def trap_night_capture_rate(*, rodents_caught: object, trap_nights: object) -> Decimal:
    """Rodents caught ÷ valid trap-nights × 100 (%)."""
    return rate(positive=rodents_caught, checked=trap_nights,
                fields={"positive": "rodents_caught", "checked": "trap_nights"})


def breteau_index(*, containers_positive: object, households_checked: object) -> Decimal:
    """Positive containers ÷ households inspected × 100 (a household may have several)."""
    return per_hundred(positive=containers_positive, base=households_checked,
                       fields={"positive": "containers_positive", "base": "households_checked"})


def container_index(*, containers_positive: object, wet_containers: object) -> Decimal:
    """Positive containers ÷ containers holding water × 100 (%)."""
    return rate(positive=containers_positive, checked=wet_containers,
                fields={"positive": "containers_positive", "checked": "wet_containers"})


def house_index(*, households_positive: object, households_checked: object) -> Decimal:
    """Households with positive containers ÷ households inspected × 100 (%)."""
    return rate(positive=households_positive, checked=households_checked,
                fields={"positive": "households_positive", "checked": "households_checked"})


def shown(value: Decimal | None, places: int = 2) -> str:
    """An index as people read it: half-up to `places` decimals; "-" when it does not apply."""
    if value is None:
        return "-"
    return str(value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))


INDICES: dict[str, Callable[..., Decimal | None]] = {
    "rate": rate,
    "per_hundred": per_hundred,
    "route_index": route_index,
    "per_positive": per_positive,
    "per_positive_part": per_positive_part,
    "per_unit": per_unit,
    "landing_index": landing_index,
    "light_trap_density": light_trap_density,
    "double_net_density": double_net_density,
    "count": count_index,
}
