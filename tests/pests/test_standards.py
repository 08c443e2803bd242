"""The standards data: loaded and checked at import; a new edition is a data file, nothing more."""
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

from hygiene.pests.levels import grade
from hygiene.pests.standards import CATALOGUE, DATA_DIR, PESTS, StandardDataError, load


def test_every_pest_has_its_gb_standard_and_the_legacy_criteria():
    for pest in PESTS:
        standards = {e.standard for e in CATALOGUE.editions(pest=pest)}
        assert "全国爱卫会 除四害标准" in standards and any(s.startswith("GB/T 2777") for s in standards)


def test_each_threshold_keeps_its_confidence_tag():
    rodent = CATALOGUE.get("GB/T 27770", "2011", "rodent")
    sign_rate = rodent.indicators[0].measures[0]
    assert {level: t.tag for level, t in sign_rate.thresholds.items()} == {"A": "S", "B": "S", "C": "V"}
    assert "4.96%" in sign_rate.thresholds["C"].note


def test_the_fly_standard_2025_revision_is_its_own_edition():
    fly = CATALOGUE.editions(pest="fly", standard="GB/T 27772")
    assert [(e.edition, e.issued, e.in_force, e.graded) for e in fly] == [
        ("2011", date(2011, 12, 30), date(2012, 4, 1), True), ("2025", date(2025, 4, 25), date(2025, 11, 1), False)]


def test_each_monitoring_method_names_its_standard_index_and_counts():
    methods = {(m.pest, m.key): m for m in CATALOGUE.methods}
    assert {pest for pest, _ in methods} == set(PESTS)
    assert methods["mosquito", "light_trap"].editions == ("2009", "2020")
    assert methods["mosquito", "breteau"].inputs == {"positive": "containers_positive", "base": "households_checked"}
    assert methods["cockroach", "sticky_trap"].standard == "GB/T 23795"


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "standards"
    shutil.copytree(DATA_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def test_a_new_edition_is_a_data_change_only(tmp_path):
    directory = _copy(tmp_path)
    raw = yaml.safe_load((directory / "gbt27772-2011.yaml").read_text("utf-8"))
    raw["edition"], raw["issued"], raw["in_force"] = "2025", date(2025, 4, 25), date(2025, 11, 1)
    raw["indicators"][0]["measures"][0]["thresholds"]["C"]["value"] = "8"      # a made-up stricter C
    (directory / "gbt27772-2025.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    catalogue = load(directory)
    edition = catalogue.for_grading("GB/T 27772", "fly", date(2026, 1, 1))
    assert edition.edition == "2025"
    counts = {"rooms_checked": 100, "rooms_with_flies": 9, "flies_counted": 9}
    assert grade(edition, counts).level == "below"
    assert grade(catalogue.get("GB/T 27772", "2011", "fly"), counts).level == "C"      # the same counts, re-graded


def _broken(tmp_path, change):
    directory = _copy(tmp_path)
    path = directory / "gbt27770-2011.yaml"
    raw = yaml.safe_load(path.read_text("utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    return directory


def _measure(raw):
    return raw["indicators"][0]["measures"][0]


@pytest.mark.parametrize("change, problem", [
    (lambda raw: _measure(raw)["thresholds"]["A"].update(value="4"), "looser limit"),
    (lambda raw: _measure(raw)["thresholds"].pop("B"), "thresholds are given for"),
    (lambda raw: _measure(raw).update(index="magic"), "unknown index"),
    (lambda raw: _measure(raw)["inputs"].pop("checked"), "reads"),
    (lambda raw: _measure(raw).update(operator="=="), "operator"),
    (lambda raw: _measure(raw)["thresholds"]["C"].update(tag="X"), "confidence tag"),
    (lambda raw: _measure(raw)["thresholds"]["C"].update(value="NaN"), "not a finite number"),
    (lambda raw: _measure(raw)["thresholds"]["C"].update(value=True), "not a number"),
    (lambda raw: raw.update(pest="snail"), "pest"),
    (lambda raw: raw.update(required_level="D"), "required_level"),
    (lambda raw: raw.update(in_force=date(2010, 1, 1)), "in_force comes before issued"),
    (lambda raw: raw["indicators"].append(raw["indicators"][0]), "unique"),
    (lambda raw: raw.pop("issued"), "'issued' is missing"),
])
def test_a_malformed_standards_file_stops_the_start_naming_the_place(tmp_path, change, problem):
    with pytest.raises(StandardDataError) as error:
        load(_broken(tmp_path, change))
    assert problem in str(error.value) and "gbt27770-2011.yaml" in str(error.value)


def test_the_same_edition_twice_is_refused(tmp_path):
    directory = _copy(tmp_path)
    shutil.copy(directory / "gbt27770-2011.yaml", directory / "gbt27770-2011-copy.yaml")
    with pytest.raises(StandardDataError, match="twice"):
        load(directory)


def test_the_fly_room_allowance_per_unit_size_is_the_reference_table():
    fly = CATALOGUE.get("GB/T 27772", "2011", "fly")
    assert [(row.rooms_up_to, row.allowed) for row in fly.unit_room_allowance] == [(10, 0), (30, 1), (60, 3), (100, 6)]


def test_dates_the_reference_does_not_verify_say_so():
    assert CATALOGUE.get("GB/T 27770", "2011", "rodent").dates_tag == ""           # verified with the edition
    assert CATALOGUE.get("GB/T 27773", "2011", "cockroach").dates_tag == "U"       # taken from GB/T 27770
