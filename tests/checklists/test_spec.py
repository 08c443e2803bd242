"""The checklist spec as models: problems carry where they are, and the API gets a JSON Schema."""
from decimal import Decimal

import pytest

from hygiene.checklists.spec import SpecError, TemplateSpec, parse_template

ITEM = {"text": "地面整洁", "points": 10}


def sheet(**changes) -> dict:
    return {"name": "餐饮检查", "applies_to": "unit",
            "sections": [{"title": "环境", "items": [dict(ITEM)]}], **changes}


def problems(data) -> list[tuple[tuple, str, str]]:
    with pytest.raises(SpecError) as error:
        parse_template(data)
    return [(p.location, p.code, str(p)) for p in error.value.problems]


def test_a_good_sheet_parses_with_defaults():
    spec = parse_template(sheet(pass_mark="", bands=None))
    assert spec.pass_mark == Decimal(60) and spec.bands == () and spec.points == Decimal(10)
    item = spec.sections[0].items[0]
    assert (item.scoring, item.severity, item.deduction_step, item.veto) == ("pass_fail", "normal", None, False)


def test_each_problem_has_its_location_code_and_the_files_words():
    data = sheet(applies_to="moon", pass_mark=120, sections=[
        {"title": "环境", "items": [ITEM, {"text": "", "points": "abc"},
                                    {"text": "烟头", "points": 5, "scoring": "deduction"}]}])
    assert problems(data) == [
        (("applies_to",), "choice", "applies_to: must be one of village, unit, household, cleaner"),
        (("sections", 0, "items", 1, "text"), "required", "sections[0].items[1].text: is required"),
        (("sections", 0, "items", 1, "points"), "not_a_number",
         "sections[0].items[1].points: “abc” is not a number"),
        (("sections", 0, "items", 2, "deduction_step"), "deduction_step",
         "sections[0].items[2].deduction_step: a deduction item needs the points taken off per finding"),
        (("pass_mark",), "percent", "pass_mark: must be between 0 and 100"),
    ]


@pytest.mark.parametrize("points, code", [("0", "more_than_zero"), ("-1", "more_than_zero"),
                                          ("inf", "not_finite"), ("", "required"),
                                          ([1], "not_a_number")])
def test_bad_points_are_named_at_the_item(points, code):
    found = problems(sheet(sections=[{"title": "环境", "items": [{**ITEM, "points": points}]}]))
    assert [(where, what) for where, what, _text in found] == [(("sections", 0, "items", 0, "points"), code)]


def test_whole_template_problems_sit_at_the_list():
    assert problems(sheet(sections=[]))[0][:2] == (("sections",), "no_sections")
    assert problems(sheet(sections=[{"title": "空", "items": []}]))[0][:2] == (("sections",), "empty_section")
    assert problems(sheet(bands=[{"label": "合格", "min": 60}]))[0][:2] == (("bands",), "bands_last")
    assert problems(sheet(bands=[{"label": "差", "min": 0}, {"label": "好", "min": 90}]))[0][:2] == (
        ("bands",), "bands_order")


def test_rows_that_are_not_mappings_and_lists_that_are_not_lists():
    assert problems("just a string") == [((), "mapping", "the template must be a mapping")]
    found = problems(sheet(sections=[{"title": "环境", "items": ["not a mapping"]}], bands="x"))
    assert [(where, what) for where, what, _text in found] == [
        (("sections", 0, "items", 0), "mapping"), (("bands",), "list")]


def test_the_spec_has_a_json_schema_for_the_api():
    schema = TemplateSpec.model_json_schema()
    assert set(schema["required"]) == {"name", "applies_to", "sections"}
    assert schema["properties"]["applies_to"]["enum"] == ["village", "unit", "household", "cleaner"]
    item = schema["$defs"]["ItemSpec"]
    assert item["properties"]["scoring"]["enum"] == ["pass_fail", "deduction", "grade"]
    assert set(item["required"]) == {"text", "points"}
