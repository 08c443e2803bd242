"""Control levels as an office reads them: worst of the indicators, both numbers of a pair,
the hard fly rules, missing indicators, the hygienic-town C level, the editions."""
from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hygiene.pests.indices import units_over_allowance
from hygiene.pests.levels import BELOW, LABELS, breteau_risk, grade, grade_all, meets_hygienic_town
from hygiene.pests.refusals import Refused
from hygiene.pests.standards import CATALOGUE

RODENT = CATALOGUE.get("GB/T 27770", "2011", "rodent")
MOSQUITO = CATALOGUE.get("GB/T 27771", "2011", "mosquito")
FLY = CATALOGUE.get("GB/T 27772", "2011", "fly")
COCKROACH = CATALOGUE.get("GB/T 27773", "2011", "cockroach")


def rooms(checked, positive):
    return {"rooms_checked": checked, "rooms_with_signs": positive}


@pytest.mark.parametrize("counts, level", [
    (rooms(2500, 124), "C"),                                                   # 4.96%: judged compliant
    (rooms(500, 11), "B"),                                                     # 2.20%: graded B
    ({"route_km": 100, "route_sign_points": 39}, "A"),                          # 0.39/km: graded A
    ({"proofing_sites_checked": 10000, "proofing_sites_compliant": 9717}, "A"),  # 97.17%: graded A
])
def test_the_published_rodent_surveys_get_the_level_they_were_given(counts, level):
    assert grade(RODENT, counts).level == level


def test_the_published_mosquito_surveys_get_the_level_they_were_given():
    assert grade(MOSQUITO, {"small_water_route_km": 100, "small_water_positive_sites": 56}).level == "C"
    assert grade(MOSQUITO, {"mosquitoes_landed": 46, "landing_persons": 10, "landing_sessions": 10}).level == "A"


def test_a_cockroach_infestation_of_9_10_percent_is_below_c():
    counts = {"rooms_checked": 1000, "rooms_with_cockroaches": 91, "small_cockroaches": 91, "large_cockroaches": 0}
    result = grade(COCKROACH, counts)
    assert (result.level, result.meets_required) == (BELOW, False)
    assert LABELS[result.level]["zh"] == "不达标"


def test_a_pest_is_only_as_good_as_its_worst_indicator():
    counts = {**rooms(1000, 10), "route_km": 1, "route_sign_points": 4}      # 1% (A) and 4/km (C)
    result = grade(RODENT, counts)
    assert [(i.key, i.level) for i in result.indicators] == [("indoor_signs", "A"), ("outdoor_route", "C")]
    assert result.level == "C" and result.meets_required


def test_few_fly_rooms_with_many_flies_each_fail_the_pair():
    counts = {"rooms_checked": 100, "rooms_with_flies": 2, "flies_counted": 8}   # 2% of rooms, 4 flies a room
    result = grade(FLY, counts)
    assert [m.level for m in result.indicators[0].measures] == ["A", BELOW]
    assert result.level == BELOW


def test_larvae_per_positive_dip_must_stay_below_the_limit_not_reach_it():
    counts = {"dips_taken": 1000, "dips_positive": 10, "dip_larvae_pupae": 80}   # 8.0 a dip: C is "< 8"
    assert grade(MOSQUITO, counts).level == BELOW


def test_one_fly_in_a_ready_to_eat_shop_leaves_flies_below_c_however_clean_the_rooms():
    counts = {"rooms_checked": 100, "rooms_with_flies": 0, "flies_counted": 0, "ready_to_eat_flies": 1}
    assert grade(FLY, counts).level == BELOW
    assert grade(FLY, {**counts, "ready_to_eat_flies": 0}).level == "A"


def test_rooms_without_flies_meet_the_flies_per_room_limit():
    result = grade(FLY, {"rooms_checked": 100, "rooms_with_flies": 0, "flies_counted": 0})
    assert result.indicators[0].measures[1].value is None and result.level == "A"


def test_indicators_without_counts_are_listed_not_assumed():
    result = grade(RODENT, rooms(100, 1))
    assert result.missing == ("proofing", "outdoor_route") and not result.complete
    assert grade(RODENT, {**rooms(100, 1), "route_km": 1, "route_sign_points": 0, "proofing_sites_checked": 10,
                          "proofing_sites_compliant": 10}).complete


def test_a_count_shared_by_several_indicators_does_not_make_them_measured():
    result = grade(COCKROACH, {"rooms_checked": 100, "rooms_with_signs": 3})
    assert [i.key for i in result.indicators] == ["signs"]
    assert result.missing == ("infestation", "oothecae")


def test_half_an_indicator_is_refused_naming_what_is_missing():
    with pytest.raises(Refused) as refused:
        grade(FLY, {"rooms_checked": 100, "rooms_with_flies": 3})
    assert (refused.value.code, refused.value.field) == ("missing_count", "flies_counted")


def test_a_count_no_standard_or_method_of_the_pest_uses_is_refused():
    with pytest.raises(Refused) as refused:
        grade(RODENT, {**rooms(100, 1), "rooms_with_flies": 3})
    assert (refused.value.code, refused.value.field) == ("unknown_count", "rooms_with_flies")


def test_counts_of_other_methods_may_come_along_and_are_not_graded():
    result = grade(RODENT, {**rooms(100, 1), "trap_nights_valid": 200, "rodents_caught": 9})   # no trap-night limit
    assert [i.key for i in result.indicators] == ["indoor_signs"] and result.level == "A"


def test_an_edition_the_data_does_not_have_is_refused():
    with pytest.raises(Refused) as refused:
        CATALOGUE.get("GB/T 27770", "2030", "rodent")
    assert (refused.value.code, refused.value.field) == ("unknown_edition", "edition")


def test_no_counts_at_all_is_refused():
    with pytest.raises(Refused) as refused:
        grade(RODENT, {"rooms_checked": None})
    assert refused.value.code == "no_results"


def test_bad_counts_are_refused_by_the_field_the_user_typed():
    with pytest.raises(Refused) as refused:
        grade(RODENT, rooms(10, 12))
    assert (refused.value.code, refused.value.field) == ("more_positive_than_checked", "rooms_with_signs")
    assert "rooms_with_signs (12) cannot be more than rooms_checked (10)" in refused.value.message


def test_the_legacy_criteria_pass_or_fail():
    legacy = CATALOGUE.get("全国爱卫会 除四害标准", "2001", "rodent")
    assert grade(legacy, rooms(100, 2)).level == "pass" and grade(legacy, rooms(100, 2)).meets_required
    assert grade(legacy, rooms(100, 3)).level == BELOW                     # ≤2% there, C is ≤5% in GB/T 27770


def test_a_hygienic_town_needs_all_four_pests_at_c_or_better():
    editions = {"rodent": RODENT, "mosquito": MOSQUITO, "fly": FLY, "cockroach": COCKROACH}
    good = {"rodent": rooms(100, 5), "mosquito": {"dips_taken": 100, "dips_positive": 5, "dip_larvae_pupae": 35},
            "fly": {"rooms_checked": 100, "rooms_with_flies": 9, "flies_counted": 27},
            "cockroach": {"rooms_checked": 100, "rooms_with_signs": 7}}
    assert meets_hygienic_town(grade_all(editions, good))
    assert not meets_hygienic_town(grade_all(editions, {**good, "cockroach": {}}))          # not graded
    assert not meets_hygienic_town(grade_all(editions, {**good, "rodent": rooms(100, 6)}))  # rats below C


def test_the_2025_fly_edition_is_in_force_but_has_no_thresholds_yet():
    after = date(2025, 11, 1)
    assert CATALOGUE.in_force("GB/T 27772", "fly", after).edition == "2025"
    assert CATALOGUE.in_force("GB/T 27772", "fly", date(2025, 10, 31)).edition == "2011"
    assert CATALOGUE.for_grading("GB/T 27772", "fly", after).edition == "2011"
    with pytest.raises(Refused) as refused:
        grade(CATALOGUE.in_force("GB/T 27772", "fly", after), {"rooms_checked": 10, "rooms_with_flies": 0})
    assert refused.value.code == "edition_without_thresholds"
    assert CATALOGUE.in_force("GB/T 27772", "fly", date(2011, 1, 1)) is None


@pytest.mark.parametrize("index, band", [("0", "meets_control"), ("4.99", "meets_control"), ("5", "low"),
                                         ("9.99", "low"), ("10", "medium"), ("19.99", "medium"), ("20", "high"),
                                         ("300", "high")])
def test_dengue_risk_by_breteau_index(index, band):
    assert breteau_risk(D(index)).key == band


@given(st.integers(1, 5000), st.integers(0, 5000), st.integers(0, 5000))
def test_more_rooms_with_signs_never_give_a_better_level(checked, fewer, more):
    fewer, more = sorted((min(fewer, checked), min(more, checked)))
    order = (*RODENT.levels, BELOW)
    assert order.index(grade(RODENT, rooms(checked, fewer)).level) <= order.index(grade(RODENT, rooms(checked, more)).level)


def test_units_over_their_fly_room_allowance_are_counted_from_the_edition_table():
    over = units_over_allowance([(8, 0), (25, 2), (45, 3)], FLY.unit_room_allowance)   # the 25-room unit is over
    assert over == 1
    assert grade(FLY, {"units_over_room_allowance": over}).level == BELOW
