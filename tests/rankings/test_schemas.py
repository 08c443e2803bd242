"""The ranking settings' input: one weight per registered component, whole-number minimums."""
from decimal import Decimal

import pytest

from hygiene.rankings.components import COMPONENTS
from hygiene.rankings.schemas import RankingInvalid, SettingsWithWeights, settings_input

GOOD = {"weight_inspections": " 90 ", "weight_rectification": "10", "weight_pest_rounds": "0",
        "weight_pest_density": "0", "weight_toilet_progress": "0", "weight_creation_progress": "0", "weight_education_cadence": "0", "min_inspections": "2", "list_size": "3"}


@pytest.fixture
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


def test_good_settings_come_out_typed(english):
    settings = settings_input(GOOD)
    assert settings.weights() == {"inspections": Decimal(90), "rectification": Decimal(10),
                                  "pest_rounds": Decimal(0), "pest_density": Decimal(0),
                                  "toilet_progress": Decimal(0), "creation_progress": Decimal(0), "education_cadence": Decimal(0)}
    assert (settings.min_inspections, settings.list_size) == (2, 3)


@pytest.mark.parametrize("changes, errors", [
    ({"weight_inspections": "-1"}, {"weight_inspections": "A weight cannot be negative."}),
    ({"weight_inspections": "1e308"}, {"weight_inspections": "A weight is at most 1000."}),
    ({"weight_rectification": "abc", "min_inspections": "0", "list_size": "2.5"},
     {"weight_rectification": "Enter a number.", "min_inspections": "Enter a whole number from 1 to 50.",
      "list_size": "Enter a whole number from 1 to 20."}),
    ({"weight_inspections": "NaN"}, {"weight_inspections": "Enter a number."}),
])
def test_bad_settings_name_each_field(english, changes, errors):
    with pytest.raises(RankingInvalid) as error:
        settings_input(GOOD | changes)
    assert error.value.errors == errors


def test_the_schema_has_a_weight_per_component():
    schema = SettingsWithWeights.model_json_schema()
    assert {f"weight_{c.key}" for c in COMPONENTS} <= set(schema["required"])
    assert {"min_inspections", "list_size"} <= set(schema["required"])
