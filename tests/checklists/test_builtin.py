"""The built-in score sheets in hygiene/checklists/builtin/*.yaml: valid, complete, round-trip.

Pure data tests, no application or database: each file is read with yaml.safe_load and checked
with the same parse_template the import and the template builder use.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from hygiene.checklists.spec import SEVERITIES, dump_template, parse_template
from hygiene.places.rules import UNIT_CATEGORIES

BUILTIN = Path(__file__).resolve().parents[2] / "hygiene" / "checklists" / "builtin"
FILES = sorted(BUILTIN.glob("*.yaml"))

# code -> (applies_to, total points, section points in order where the reference fixes them)
EXPECTED = {
    "village_environment": ("village", 100, [10, 5, 10, 15, 15, 15, 10, 20]),   # §6.4
    "unit_hygiene": ("unit", 100, None),
    "food_hygiene": ("unit", 100, None),
    "village_clinic": ("unit", 100, None),
    "cleaner_assessment": ("cleaner", 100, None),
    "pest_facilities": ("unit", 100, None),
    "smoke_free_unit": ("unit", 100, [10, 6, 40, 10, 10, None, None]),          # §5.6, last 24 inferred
    "household_toilet": ("household", 100, None),
    "public_toilet": ("unit", 100, None),
    "hygienic_village": ("village", 100, [13, 32, 25, 13, 17]),                 # §6.1
}


def _load(path: Path):
    return parse_template(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def specs():
    return {path.stem: _load(path) for path in FILES}


def test_the_builtin_sheets_exist(specs):
    codes = {spec.code for spec in specs.values()}
    assert codes == set(EXPECTED)


def test_codes_are_unique_and_match_the_file_names(specs):
    codes = [spec.code for spec in specs.values()]
    assert len(codes) == len(set(codes))
    for stem, spec in specs.items():
        assert spec.code == stem


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_file_parses_without_problems(path):
    spec = _load(path)      # raises SpecError listing every problem
    assert spec.name and spec.source and spec.description
    assert spec.sections and all(section.items for section in spec.sections)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_totals_and_section_points(specs, code):
    applies_to, total, sections = EXPECTED[code]
    spec = specs[code]
    assert spec.applies_to == applies_to
    assert spec.points == Decimal(total)
    if sections is not None:
        got = [int(section.points) for section in spec.sections]
        assert len(got) == len(sections)
        assert [g for g, want in zip(got, sections, strict=True) if want is not None] == \
            [want for want in sections if want is not None]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_items_are_usable_in_the_field(path):
    spec = _load(path)
    items = spec.items()
    assert any(item.photo_on_fail for item in items), "at least one item asks for a photo"
    with_guidance = [item for item in items if item.guidance]
    assert len(with_guidance) >= 0.8 * len(items), "most items tell the inspector what to check"
    for item in items:
        assert len(item.text) <= 30, f"item text too long for a phone screen: {item.text}"
        assert item.severity in SEVERITIES
        if item.scoring == "deduction":
            assert item.deduction_step <= item.points
        else:
            assert item.deduction_step is None
        if item.veto:
            assert item.severity == "urgent"
            assert "否决" in item.guidance


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_bands_and_categories_fit(path):
    spec = _load(path)
    assert spec.bands, "every sheet names its grades"
    assert spec.pass_mark in [band.min for band in spec.bands], "the pass mark starts a band"
    assert spec.bands[0].min <= spec.points
    if spec.applies_to == "unit":
        assert set(spec.unit_categories) <= set(UNIT_CATEGORIES)
    else:
        assert spec.unit_categories == ()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_dump_and_parse_round_trip(path):
    spec = _load(path)
    dumped = dump_template(spec)
    assert parse_template(dumped) == spec
    # and the dump survives YAML itself, as an export file would
    assert parse_template(yaml.safe_load(yaml.safe_dump(dumped, allow_unicode=True))) == spec


@pytest.mark.parametrize("code", ["household_toilet", "public_toilet"])
def test_toilet_acceptance_is_all_or_nothing(specs, code):
    spec = specs[code]
    assert all(item.scoring == "pass_fail" for item in spec.items())
    assert spec.pass_mark == spec.points
    assert [band.label for band in spec.bands] == ["合格", "不合格"]
    assert sum(item.veto for item in spec.items()) >= 3


def test_food_sheet_uses_the_catering_grading_bands(specs):
    spec = specs["food_hygiene"]
    assert [int(band.min) for band in spec.bands] == [90, 75, 60, 0]
    assert set(spec.unit_categories) == {"catering", "school_canteen"}
