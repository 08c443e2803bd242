"""A plan's input model: the field rules of the plan form, and the schema the API publishes."""
from datetime import date

import pytest
from pydantic import ValidationError

from hygiene.core.schemas import field_errors
from hygiene.inspections.plans.schemas import PlanInput

GOOD = {"name": "月度检查", "template_id": "3", "target_mode": "all", "recurrence": "monthly",
        "start_date": "2026-10-10", "days_allowed": "7", "inspector_ids": ["5", "4", "5", "x"]}


@pytest.fixture
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


def test_a_good_plan_comes_out_typed(english):
    plan = PlanInput.model_validate(GOOD | {"backfill": "y", "request_key": " k1 ", "csrf_token": "t"})
    assert (plan.template_id, plan.start_date, plan.days_allowed) == (3, date(2026, 10, 10), 7)
    assert plan.inspector_ids == [4, 5] and plan.backfill and plan.request_key == "k1"
    assert (plan.end_date, plan.unit_category, plan.cross_check) == (None, None, False)


def test_bad_fields_carry_the_forms_messages(english):
    with pytest.raises(ValidationError) as error:
        PlanInput.model_validate(GOOD | {"name": "\u202e", "target_mode": ["all"], "recurrence": "daily",
                                         "start_date": "", "end_date": "31.12.2026", "days_allowed": "91"})
    assert field_errors(error.value) == {
        "name": "This field is required.", "target_mode": "Choose a value from the list.",
        "recurrence": "Choose a value from the list.", "start_date": "Enter a date.",
        "end_date": "Enter a date.", "days_allowed": "Allow between 1 and 90 days."}


def test_the_plan_schema_names_its_choices():
    schema = PlanInput.model_json_schema()
    assert schema["properties"]["recurrence"]["enum"] == ["once", "weekly", "monthly", "quarterly"]
    assert schema["properties"]["target_mode"]["enum"] == ["list", "all", "category", "sample"]
    assert schema["properties"]["start_date"]["format"] == "date"
    assert set(schema["required"]) == {"name", "target_mode", "recurrence", "start_date", "days_allowed"}
