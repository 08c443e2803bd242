"""The supplies ledger's rules: banned rodenticides, expiry, quantities, a balance that never goes
below zero and always adds up to what came in."""
from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hygiene.pests.cadence import DEFAULT_CADENCE, SprayCadence
from hygiene.pests.quantities import Quantity, convert, quantity, unit_of
from hygiene.pests.refusals import Refused
from hygiene.pests.supplies import (
    STORE,
    Movement,
    Stock,
    apply,
    banned_ingredient,
    expires_soon,
    is_expired,
    refuse_banned,
    replay,
)

DAY = date(2026, 3, 20)


@pytest.mark.parametrize("text, banned", [
    ("毒鼠强", "tetramine"), ("毒 鼠 强", "tetramine"), ("0.1%毒鼠强饵剂", "tetramine"), ("毒鼠強", "tetramine"),
    ("没鼠命", "tetramine"), ("Tetramine", "tetramine"), ("ＴＥＴＳ", "tetramine"), ("tets 0.1%", "tetramine"),
    ("CAS 80-12-6", "tetramine"), ("80－12－6", "tetramine"),
    ("氟乙酰胺", "fluoroacetamide"), ("Fluoro-acetamide", "fluoroacetamide"), ("氟乙醯胺", "fluoroacetamide"),
    ("氟乙酸钠", "sodium_fluoroacetate"), ("SODIUM  FLUOROACETATE", "sodium_fluoroacetate"),
    ("compound 1080", "sodium_fluoroacetate"), ("１０８０", "sodium_fluoroacetate"),
    ("毒鼠硅", "silatrane"), ("氯硅宁", "silatrane"), ("Silatrane", "silatrane"),
    ("甘氟", "gliftor"), ("Gliftor", "gliftor"), ("鼠甘伏", "gliftor"),
])
def test_banned_acute_rodenticides_are_recognised_however_they_are_written(text, banned):
    assert banned_ingredient(text).key == banned


@pytest.mark.parametrize("text", ["溴敌隆", "0.005%溴敌隆", "bromadiolone", "杀鼠醚", "敌鼠钠盐", "氯鼠酮",
                                  "高效氯氰菊酯", "tablets", "PD20121080", "1080g", "溴鼠灵 brodifacoum", ""])
def test_permitted_products_are_not_taken_for_banned_ones(text):
    assert banned_ingredient(text) is None


def test_a_banned_rodenticide_is_refused_with_its_name():
    with pytest.raises(Refused) as refused:
        refuse_banned("含 毒鼠强 0.1%")
    assert (refused.value.code, refused.value.field, refused.value.params["ingredient"]) == (
        "banned_rodenticide", "active_ingredient", "tetramine")
    assert "毒鼠强" in refused.value.message
    refuse_banned("溴敌隆")                                   # no error


def test_a_product_can_be_issued_on_its_expiry_day_but_not_after():
    expiry = date(2026, 4, 30)
    assert not is_expired(expiry, expiry) and is_expired(expiry, expiry + timedelta(days=1))
    assert not is_expired(None, date(2099, 1, 1))


def test_stock_expiring_within_30_days_is_flagged():
    today, expiry = date(2026, 4, 1), date(2026, 5, 1)
    assert expires_soon(expiry, today) and expires_soon(expiry, expiry)
    assert not expires_soon(expiry, today - timedelta(days=1))            # 31 days ahead
    assert not expires_soon(expiry, expiry + timedelta(days=1))           # already expired


@pytest.mark.parametrize("typed, unit", [("g", "g"), ("克", "g"), ("KG", "kg"), ("公斤", "kg"), ("千克", "kg"),
                                         ("ｍｌ", "ml"), ("毫升", "ml"), ("l", "L"), ("升", "L"), (" 袋 ", "袋"),
                                         ("包", "包"), ("瓶", "瓶")])
def test_units_are_read_as_people_type_them(typed, unit):
    assert unit_of(typed) == unit


def test_mass_and_volume_convert_exactly_counted_units_do_not():
    assert convert(quantity(D("1.25"), "kg"), "g") == Quantity(D(1250), "g")
    assert convert(quantity(500, "ml"), "L") == Quantity(D("0.5"), "L")
    for q, to in ((quantity(2, "袋"), "g"), (quantity(1, "L"), "kg"), (quantity(1, "包"), "袋")):
        with pytest.raises(Refused) as refused:
            convert(q, to)
        assert refused.value.code == "incompatible_units"


@pytest.mark.parametrize("amount, unit, code", [
    (0, "g", "not_positive"), (-5, "g", "negative"), (float("nan"), "g", "not_finite"), (True, "g", "not_a_number"),
    ("5", "g", "not_a_number"), (D("1.5"), "袋", "too_precise"), (D("0.0001"), "kg", "too_precise"),
    (10**7, "kg", "too_large"), (D("1e30"), "g", "too_large"), (10**400, "kg", "too_large"),
    (D("1e-999999"), "g", "too_precise"), (5, "斤", "unknown_unit"), (5, None, "unknown_unit"),
])
def test_bad_quantities_are_refused(amount, unit, code):
    with pytest.raises(Refused) as refused:
        quantity(amount, unit)
    assert refused.value.code == code


def move(kind, amount, unit="g", holder=STORE, on=DAY):
    return Movement(kind, quantity(amount, unit), on, holder)


def test_a_spring_campaign_balances_to_the_gram():
    running = replay([move("in", 10, "kg"), move("issue", 3000, holder="东山村"), move("issue", D("2.5"), "kg", "西岭村"),
                      move("use", 2800, holder="东山村"), move("return", 200, holder="东山村"),
                      move("use", 2500, holder="西岭村"), move("use", 100)], unit="g")
    final = running[-1]
    assert (final.store, final.held, final.used) == (D(4600), {"东山村": D(0), "西岭村": D(0)}, D(5400))
    assert final.received == final.store + sum(final.held.values()) + final.used == D(10000)
    assert [s.store for s in running] == [D(10000), D(7000), D(4500), D(4500), D(4700), D(4700), D(4600)]


def test_an_issue_larger_than_stock_is_refused_and_nothing_changes():
    stock = apply(Stock("g"), move("in", 500))
    with pytest.raises(Refused) as refused:
        apply(stock, move("issue", 501, holder="东山村"))
    assert (refused.value.code, refused.value.params["available"]) == ("stock_too_low", D(500))
    assert "Only 500 g left" in refused.value.message
    assert stock.store == D(500) and stock.held == {}


def test_a_village_cannot_use_or_return_more_than_it_was_given():
    stock = replay([move("in", 500), move("issue", 300, holder="东山村")], unit="g")[-1]
    for kind in ("use", "return"):
        with pytest.raises(Refused) as refused:
            apply(stock, move(kind, 301, holder="东山村"))
        assert refused.value.code == "stock_too_low" and refused.value.params["holder"] == "东山村"
    with pytest.raises(Refused):
        apply(stock, move("use", 1, holder="西岭村"))


def test_expired_stock_cannot_be_issued():
    stock = apply(Stock("g"), move("in", 500))
    expiry = DAY - timedelta(days=1)
    with pytest.raises(Refused) as refused:
        apply(stock, move("issue", 100, holder="东山村"), expiry=expiry)
    assert refused.value.code == "expired"
    assert apply(stock, move("issue", 100, holder="东山村", on=expiry), expiry=expiry).store == D(400)


@pytest.mark.parametrize("movement, code", [
    (move("in", 5, holder="东山村"), "wrong_holder"), (move("issue", 5), "wrong_holder"),
    (move("return", 5), "wrong_holder"), (move("steal", 5), "unknown_movement"),
    (move("in", 1, "袋"), "incompatible_units"),
])
def test_movements_that_make_no_sense_are_refused(movement, code):
    with pytest.raises(Refused) as refused:
        apply(Stock("g"), movement)
    assert refused.value.code == code


KIND = st.sampled_from(["in", "issue", "use", "return"])
HOLDER = st.sampled_from([STORE, "东山村", "西岭村"])


@given(st.lists(st.tuples(KIND, st.integers(1, 1000), HOLDER), max_size=40))
def test_whatever_happens_no_stock_goes_below_zero_and_the_ledger_adds_up(moves):
    stock = Stock("g")
    for kind, amount, holder in moves:
        try:
            stock = apply(stock, move(kind, amount, holder=holder))
        except Refused:
            continue
        assert stock.store >= 0 and all(v >= 0 for v in stock.held.values())
        assert stock.received == stock.store + sum(stock.held.values()) + stock.used


def test_peak_season_spraying_defaults_to_every_two_to_three_days_in_june_to_august():
    assert (DEFAULT_CADENCE.months, DEFAULT_CADENCE.every_days_min, DEFAULT_CADENCE.every_days_max) == (
        frozenset({6, 7, 8}), 2, 3)
    last = date(2026, 7, 10)
    assert DEFAULT_CADENCE.next_due(last) == date(2026, 7, 13)
    assert not DEFAULT_CADENCE.is_overdue(last, date(2026, 7, 13))
    assert DEFAULT_CADENCE.is_overdue(last, date(2026, 7, 14))
    assert DEFAULT_CADENCE.is_overdue(None, date(2026, 6, 1))
    assert not DEFAULT_CADENCE.is_overdue(None, date(2026, 9, 1))          # out of season


def test_a_cadence_that_makes_no_sense_is_refused():
    with pytest.raises(ValueError):
        SprayCadence(frozenset({13}), 2, 3)
    with pytest.raises(ValueError):
        SprayCadence(frozenset({7}), 3, 2)
