"""The register's input models: the field rules a form, an import row and the API share."""
import pytest
from pydantic import ValidationError

from hygiene.core.schemas import field_errors
from hygiene.places.kinds import KINDS, UNITS
from hygiene.places.schemas import INPUTS, HouseholdInput, RecordInvalid, UnitInput, place_input


@pytest.fixture
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


def errors_of(model, data) -> dict[str, str]:
    with pytest.raises(ValidationError) as error:
        model.model_validate(data)
    return field_errors(error.value)


def test_a_good_unit_comes_out_clean(english):
    unit = place_input(UNITS, {"village_id": "7", "name": " 东山\u200b饭店 ", "category": "餐饮",
                               "contact_phone": "+86 138-0013-8000", "csrf_token": "ignored"})
    assert (unit.village_id, unit.name, unit.category, unit.contact_phone) == (
        7, "东山饭店", "catering", "13800138000")
    assert (unit.address, unit.contact_name) == ("", "")


def test_every_bad_field_is_named_with_the_forms_message(english):
    errors = errors_of(UnitInput, {"village_id": "seven", "name": "长" * 101, "category": "火锅",
                                   "contact_phone": "12345"})
    assert errors == {
        "village_id": "Choose a value from the list.",
        "name": "At most 100 characters.",
        "category": "Unknown unit category “火锅”.",
        "contact_phone": "“12345” is not a valid phone number (11-digit mobile or landline with "
                         "area code).",
    }


def test_missing_and_blank_required_fields_say_so(english):
    assert errors_of(UnitInput, {}) == {"name": "This field is required.",
                                        "category": "This field is required."}
    assert errors_of(HouseholdInput, {"head_name": " \u3000 "}) == {
        "head_name": "This field is required."}


@pytest.mark.parametrize("text", ["饭\x00店", "饭\x07店", "饭\x9b店"])
def test_a_control_character_is_refused_not_stored(english, text):
    assert errors_of(UnitInput, {"name": text, "category": "餐饮"}) == {
        "name": "Remove the control character (such as \\0) from this text."}


def test_line_breaks_and_tabs_are_spaces_in_a_name(english):
    assert UnitInput(name="东山\t饭店\n", category="餐饮").name == "东山 饭店"


@pytest.mark.parametrize("value", [["饭店"], {"a": 1}])
def test_a_value_of_the_wrong_type_is_an_error_not_a_crash(english, value):
    assert set(errors_of(UnitInput, {"name": "饭店", "category": "餐饮", "village_id": value})) == {
        "village_id"}


def test_an_id_beyond_the_databases_integers_is_not_a_choice(english):
    assert errors_of(UnitInput, {"name": "饭店", "category": "餐饮", "village_id": 2**31}) == {
        "village_id": "Choose a value from the list."}


def test_place_input_raises_the_services_error_kind(english):
    with pytest.raises(RecordInvalid) as error:
        place_input(KINDS["townships"], {"name": "丙镇", "kind": "市"})
    assert error.value.errors == {"kind": "Unknown type “市”."}


@pytest.mark.parametrize("slug", sorted(INPUTS))
def test_each_input_has_a_json_schema_the_api_can_publish(slug):
    schema = INPUTS[slug].model_json_schema()
    kind = KINDS[slug]
    assert schema["type"] == "object" and set(schema["properties"]) == set(kind.fields)
    assert set(schema["required"]) == set(kind.required)
    for name in kind.fields:
        if not name.endswith("_id"):
            assert schema["properties"][name]["type"] == "string"
            assert schema["properties"][name]["maxLength"] == kind.model.__table__.c[name].type.length


def test_the_unit_schema_documents_categories_and_phones():
    properties = UnitInput.model_json_schema()["properties"]
    assert "catering" in properties["category"]["description"]
    assert "11-digit" in properties["contact_phone"]["description"]
    assert {"type": "integer"} in properties["village_id"]["anyOf"]
