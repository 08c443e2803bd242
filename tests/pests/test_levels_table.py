"""Every threshold of domain-standards.md §1.2-1.6, transcribed here by hand, checked against the
data and graded just below, at and just above its limit."""
from decimal import Decimal as D

import pytest

from hygiene.pests.levels import BELOW, grade
from hygiene.pests.standards import CATALOGUE

LEGACY = ("全国爱卫会 除四害标准", "2001")
# (standard, edition, pest) -> measure -> (operator, limits best level first)
REFERENCE = {
    ("GB/T 27770", "2011", "rodent"): {
        "indoor_sign_rate": ("<=", ["1", "3", "5"]),
        "proofing_compliance_rate": (">=", ["97", "95", "93"]),
        "outdoor_route_index": ("<=", ["1", "3", "5"]),
    },
    ("GB/T 27771", "2011", "mosquito"): {
        "small_water_route_index": ("<=", ["0.1", "0.5", "0.8"]),
        "positive_dip_rate": ("<=", ["1", "3", "5"]),
        "larvae_per_positive_dip": ("<", ["3", "5", "8"]),
        "landing_index": ("<=", ["0.5", "1.0", "1.5"]),
    },
    ("GB/T 27772", "2011", "fly"): {
        "fly_room_rate": ("<=", ["3", "6", "9"]),
        "flies_per_positive_room": ("<=", ["3", "3", "3"]),
        "proofing_compliance_rate": (">=", ["98", "95", "90"]),
        "breeding_site_rate": ("<=", ["1", "3", "5"]),
        "ready_to_eat_flies": ("<=", ["0", "0", "0"]),
        "indoor_breeding_sites": ("<=", ["0", "0", "0"]),
        "units_over_room_allowance": ("<=", ["0", "0", "0"]),
        "unit_outdoor_breeding_sites": ("<=", ["0", "0", "0"]),
    },
    ("GB/T 27773", "2011", "cockroach"): {
        "infestation_rate": ("<=", ["1", "3", "5"]),
        "small_per_positive_room": ("<=", ["5", "10", "10"]),
        "large_per_positive_room": ("<=", ["2", "5", "5"]),
        "ootheca_rate": ("<=", ["1", "2", "3"]),
        "oothecae_per_positive_room": ("<=", ["2", "4", "8"]),
        "sign_rate": ("<=", ["3", "5", "7"]),
    },
    (*LEGACY, "rodent"): {
        "powder_positive_rate": ("<=", ["3"]), "trap_night_capture_rate": ("<=", ["1"]),
        "indoor_sign_rate": ("<=", ["2"]), "proofing_compliance_rate": (">=", ["95"]),
        "outdoor_route_index": ("<=", ["2.5"]),
    },
    (*LEGACY, "mosquito"): {
        "positive_water_body_rate": ("<=", ["3"]), "positive_dip_rate": ("<=", ["3"]),
        "larvae_per_positive_dip": ("<=", ["5"]), "landing_index": ("<=", ["1"]),
    },
    (*LEGACY, "fly"): {
        "key_unit_fly_room_rate": ("<=", ["1"]), "other_fly_room_rate": ("<=", ["3"]),
        "flies_per_positive_room": ("<=", ["3"]), "proofing_compliance_rate": (">=", ["95"]),
        "ready_to_eat_flies": ("<=", ["0"]), "breeding_site_rate": ("<=", ["3"]),
    },
    (*LEGACY, "cockroach"): {
        "infestation_rate": ("<=", ["3"]), "large_per_positive_room": ("<=", ["5"]),
        "small_per_positive_room": ("<=", ["10"]), "ootheca_rate": ("<=", ["2"]),
        "oothecae_per_positive_room": ("<=", ["4"]), "sign_rate": ("<=", ["5"]),
    },
}
SCALE = 1000      # every limit has at most 3 decimals: a step of one count moves the index by 0.001
STEP = D(1) / SCALE


def _index(key, measure):
    return next(m.index for i in CATALOGUE.get(*key).indicators for m in i.measures if m.key == measure)


def _cases():
    for key, measures in REFERENCE.items():
        for measure, (_operator, limits) in measures.items():
            whole = _index(key, measure) == "count"     # a count moves by one
            for limit in sorted(set(limits)):
                for delta in (-1, 0, 1) if whole else (-STEP, D(0), STEP):
                    value = D(limit) + delta
                    if value >= 0 and not (value > 100 and measure.endswith("rate")):
                        yield pytest.param(key, measure, value, id=f"{key[2]}-{key[1]}-{measure}-{value}")


def _expected(key, measure, value):
    operator, limits = REFERENCE[key][measure]
    levels = CATALOGUE.get(*key).levels
    meets = {"<=": lambda limit: value <= D(limit), "<": lambda limit: value < D(limit),
             ">=": lambda limit: value >= D(limit)}[operator]
    return next((level for level, limit in zip(levels, limits, strict=True) if meets(limit)), BELOW)


def counts_giving(edition, measure_key, value):
    """Raw counts whose index for `measure_key` is exactly `value`; the indicator's other numbers at their best."""
    indicator = next(i for i in edition.indicators if any(m.key == measure_key for m in i.measures))
    target = next(m for m in indicator.measures if m.key == measure_key)
    n, f = int(value * SCALE), target.inputs
    counts = {
        "rate": lambda: {f["checked"]: 100 * SCALE, f["positive"]: n},
        "per_positive": lambda: {f["positive"]: SCALE, f["count"]: n},
        "per_positive_part": lambda: {f["positive"]: SCALE, f["count"]: n},
        "route_index": lambda: {f["km"]: SCALE, f["points"]: n},
        "landing_index": lambda: {f["persons"]: 100, f["sessions"]: 10, f["landed"]: n},
        "count": lambda: {f["count"]: int(value)},
    }[target.index]()
    for other in indicator.measures:        # 1% positive, one of each per positive place: level A everywhere
        if other.index == "rate":
            counts.setdefault(other.inputs["checked"], 100 * SCALE)
            counts.setdefault(other.inputs["positive"], SCALE)
        if other.index in ("per_positive", "per_positive_part"):
            counts.setdefault(other.inputs["positive"], SCALE)
            counts.setdefault(other.inputs["count"], counts[other.inputs["positive"]])
    return indicator, counts


def test_the_data_holds_every_threshold_of_the_reference_and_no_other():
    for key, measures in REFERENCE.items():
        edition = CATALOGUE.get(*key)
        data = {m.key: (m.operator, [str(m.thresholds[level].value) for level in edition.levels])
                for i in edition.indicators for m in i.measures}
        assert data == {m: (op, [str(D(v)) for v in limits]) for m, (op, limits) in measures.items()}


@pytest.mark.parametrize("key, measure, value", list(_cases()))
def test_each_limit_just_below_at_and_just_above(key, measure, value):
    edition = CATALOGUE.get(*key)
    indicator, counts = counts_giving(edition, measure, value)
    result = grade(edition, counts)
    graded = {m.key: m for r in result.indicators for m in r.measures}
    assert graded[measure].value == value
    assert graded[measure].level == _expected(key, measure, value)
    assert result.level == graded[measure].level        # the indicator's other numbers are at the best level
    assert set(result.missing) == {i.key for i in edition.indicators} - {indicator.key}
