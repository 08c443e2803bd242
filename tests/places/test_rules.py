"""Pure register rules, tested without an app."""
import pytest

from hygiene.places import rules


@pytest.mark.parametrize("raw, expected", [
    ("13800138000", "13800138000"),
    ("138 0013 8000", "13800138000"),
    ("138-0013-8000", "13800138000"),
    ("+86 13800138000", "13800138000"),
    (13800138000, "13800138000"),
    ("13800138000.0", "13800138000"),
    ("0571-88123456", "057188123456"),
    ("(0571) 8812345", "05718812345"),
])
def test_accepts_mobile_and_landline_numbers_as_people_type_them(raw, expected):
    assert rules.normalise_phone(raw) == expected


@pytest.mark.parametrize("raw", ["12345", "1380013800", "138001380001", "23800138000", "电话", "0571-123"])
def test_refuses_what_is_no_phone_number(raw):
    assert rules.normalise_phone(raw) is None


@pytest.mark.parametrize("raw, code", [
    ("餐饮", "catering"), ("学校食堂", "school_canteen"), ("公厕", "public_toilet"),
    ("catering", "catering"), ("其他十小行业", "other"), (" 村卫生室 ", "clinic"),
])
def test_maps_category_labels_and_codes(raw, code):
    assert rules.category_code(raw) == code


def test_unknown_category_is_none():
    assert rules.category_code("火锅城") is None


def test_clean_text_trims_full_width_and_doubled_spaces():
    assert rules.clean_text("\u3000东山  村 ") == "东山 村"
    assert rules.clean_text(None) == ""


def test_kind_code_defaults_to_the_usual_type_and_knows_chinese_labels():
    assert rules.kind_code("", rules.VILLAGE_KINDS, rules.VILLAGE_KIND_ALIASES) == "village"
    assert rules.kind_code("社区", rules.VILLAGE_KINDS, rules.VILLAGE_KIND_ALIASES) == "community"
    assert rules.kind_code("街道", rules.TOWNSHIP_KINDS, rules.TOWNSHIP_KIND_ALIASES) == "street"
    assert rules.kind_code("城堡", rules.VILLAGE_KINDS, rules.VILLAGE_KIND_ALIASES) is None
