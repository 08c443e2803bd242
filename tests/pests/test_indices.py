"""Each index from raw counts, and every bad count refused by name with a stable code."""
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hygiene.pests import indices as ix
from hygiene.pests.refusals import Refused


def test_each_index_from_its_raw_counts():
    assert ix.positive_room_rate(rooms_positive=3, rooms_checked=200) == D("1.5")
    assert ix.trap_night_capture_rate(rodents_caught=2, trap_nights=400) == D("0.5")
    assert ix.route_index(points=3, km=D("2.5")) == D("1.2")
    assert ix.breteau_index(containers_positive=12, households_checked=100) == 12
    assert ix.breteau_index(containers_positive=130, households_checked=100) == 130    # several per house
    assert ix.container_index(containers_positive=5, wet_containers=50) == 10
    assert ix.house_index(households_positive=4, households_checked=50) == 8
    assert ix.per_hundred(positive=3, base=60) == 5                                    # ovitrap index
    assert ix.light_trap_density(caught=90, lamps=3, nights=2) == 15
    assert ix.double_net_density(caught=6, nets=2, hours=D("1.5")) == 2
    assert ix.landing_index(landed=9, persons=3, sessions=2) == D("1.5")
    assert ix.per_unit(caught=25, units=10) == D("2.5")                                # flies per cage
    assert ix.per_positive(count=9, positive=3) == 3
    assert ix.per_positive_part(count=0, positive=3) == 0
    assert ix.count_index(count=2) == 2


def test_an_index_is_shown_half_up_to_two_places():
    assert ix.shown(ix.rate(positive=1, checked=3)) == "33.33"
    assert ix.shown(D("4.995")) == "5.00" and ix.shown(None) == "-"


def test_a_float_km_is_taken_as_written():
    assert ix.route_index(points=1, km=0.1) == 10


BAD = [
    (dict(positive=-1, checked=10), "negative", "positive"),
    (dict(positive=True, checked=10), "not_a_number", "positive"),
    (dict(positive="3", checked=10), "not_a_number", "positive"),
    (dict(positive=None, checked=10), "not_a_number", "positive"),
    (dict(positive=1, checked=float("nan")), "not_finite", "checked"),
    (dict(positive=1, checked=D("Infinity")), "not_finite", "checked"),
    (dict(positive=D("1.5"), checked=10), "not_whole", "positive"),
    (dict(positive=1, checked=2**31), "too_large", "checked"),
    (dict(positive=1, checked=10**400), "too_large", "checked"),
    (dict(positive=11, checked=10), "more_positive_than_checked", "positive"),
    (dict(positive=0, checked=0), "zero_denominator", "checked"),
]


@pytest.mark.parametrize("counts, code, field", BAD)
def test_bad_counts_are_refused_with_a_code_and_the_field(counts, code, field):
    with pytest.raises(Refused) as refused:
        ix.rate(**counts)
    assert (refused.value.code, refused.value.field) == (code, field)
    assert isinstance(refused.value, ValueError) and field in refused.value.message


def test_refusals_name_the_field_the_user_typed():
    with pytest.raises(Refused) as refused:
        ix.rate(positive=-1, checked=10, fields={"positive": "rooms_with_signs"})
    assert refused.value.field == "rooms_with_signs" and refused.value.message == "rooms_with_signs cannot be negative."


@pytest.mark.parametrize("call, code, field", [
    (lambda: ix.route_index(points=1, km=0), "zero_denominator", "km"),
    (lambda: ix.route_index(points=1, km=-2), "negative", "km"),
    (lambda: ix.route_index(points=1, km=10**7), "too_large", "km"),
    (lambda: ix.route_index(points=1, km=D("1e-30")), "too_precise", "km"),
    (lambda: ix.route_index(points=1, km=D("1e999999")), "too_large", "km"),
    (lambda: ix.landing_index(landed=1, persons=0, sessions=2), "zero_denominator", "persons"),
    (lambda: ix.light_trap_density(caught=1, lamps=2, nights=0), "zero_denominator", "nights"),
    (lambda: ix.double_net_density(caught=1, nets=1, hours=0), "zero_denominator", "hours"),
    (lambda: ix.per_unit(caught=1, units=0), "zero_denominator", "units"),
    (lambda: ix.per_hundred(positive=1, base=0), "zero_denominator", "base"),
    (lambda: ix.per_positive(count=2, positive=0), "count_without_positive", "count"),
    (lambda: ix.per_positive(count=2, positive=3), "count_below_positive", "count"),
    (lambda: ix.per_positive_part(count=2, positive=0), "count_without_positive", "count"),
    (lambda: ix.breteau_index(containers_positive=1, households_checked=0), "zero_denominator", "households_checked"),
])
def test_impossible_surveys_are_refused(call, code, field):
    with pytest.raises(Refused) as refused:
        call()
    assert (refused.value.code, refused.value.field) == (code, field)


def test_a_unit_may_have_as_many_fly_rooms_as_its_size_allows():
    table = (ix.Allowance(10, 0), ix.Allowance(30, 1), ix.Allowance(60, 3), ix.Allowance(100, 6))
    assert ix.units_over_allowance([(10, 0), (11, 1), (30, 1), (31, 3), (100, 6)], table) == 0
    assert ix.units_over_allowance([(10, 1), (30, 2), (60, 4), (61, 7)], table) == 4
    with pytest.raises(Refused) as refused:
        ix.units_over_allowance([(101, 0)], table)
    assert (refused.value.code, refused.value.field) == ("unit_too_large", "unit 1: rooms")
    with pytest.raises(Refused) as refused:
        ix.units_over_allowance([(10, 0), (5, 6)], table)
    assert (refused.value.code, refused.value.field) == ("more_positive_than_checked", "unit 2: rooms with flies")


@given(st.integers(0, 10**6), st.integers(1, 10**6))
def test_a_rate_lies_between_0_and_100(positive, checked):
    if positive > checked:
        with pytest.raises(Refused):
            ix.rate(positive=positive, checked=checked)
    else:
        assert 0 <= ix.rate(positive=positive, checked=checked) <= 100
