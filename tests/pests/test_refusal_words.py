"""Every refusal code of the pest rules has its own wording in Chinese (and English on request),
wherever it reaches a user: the monitoring form and the supplies ledger."""
import re
from datetime import date
from decimal import Decimal

import pytest

from hygiene.pests.monitoring.services import refusal_message
from hygiene.pests.refusals import CODES, Refused
from hygiene.pests.schemas import refused_message
from hygiene.pests.supplies import BANNED_RODENTICIDES
from hygiene.pests.words import refusal_words

# every parameter any code may carry, so each wording can fill its blanks
PARAMS = {"positive": 12, "checked": 10, "of": "rooms_checked", "places": 3, "rooms": 140,
          "edition": "GB/T 27772-2025", "ingredient": BANNED_RODENTICIDES[0].key, "expiry": date(2026, 1, 31),
          "available": Decimal("2.5"), "wanted": Decimal("4"), "unit": "kg", "to": "bag"}
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_WORD = re.compile(r"\b[a-z]{3,}\b")   # an untranslated word (GB/T, kg and field keys aside)


def refused(code):
    return Refused(code, "English for logs only", field="rooms_with_signs", **PARAMS)


@pytest.fixture
def zh(app):
    with app.test_request_context("/"):
        yield


@pytest.fixture
def en(app):
    with app.test_request_context("/?lang=en"):
        yield


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_has_its_own_chinese_wording(zh, code):
    text = refusal_words(refused(code), field="检查房间数", of="阳性房间数", unit="kg")
    assert CJK.search(text) and not ENGLISH_WORD.search(text.replace("rooms_checked", "")), (code, text)
    assert "English for logs only" not in text


def test_no_two_codes_share_a_wording_unless_they_mean_the_same(zh):
    same_meaning = {frozenset({"not_a_number", "not_finite"})}
    texts: dict[str, set[str]] = {}
    for code in CODES:
        texts.setdefault(refusal_words(refused(code), field="检查房间数", of="阳性房间数"), set()).add(code)
    shared = [codes for codes in texts.values() if len(codes) > 1]
    assert all(frozenset(codes) in same_meaning for codes in shared), shared


@pytest.mark.parametrize("code", sorted(CODES))
def test_the_monitoring_form_words_every_code_in_chinese_with_the_counts_labels(zh, code):
    text = refusal_message(refused(code))
    assert CJK.search(text) and "rooms_with_signs" not in text, (code, text)
    assert "该数值" not in text    # the count is named by its label, never "this value"


@pytest.mark.parametrize("code", sorted(CODES))
def test_the_ledger_words_every_code_in_chinese(zh, code):
    text = refused_message(refused(code), unit="kg")
    assert CJK.search(text) and "English for logs only" not in text, (code, text)


def test_the_ledger_names_quantities_with_their_unit(zh):
    assert refused_message(refused("stock_too_low"), unit="kg") == "库存仅剩 2.5 千克，不能领取 4 千克。"


def test_the_wording_follows_the_readers_language(en):
    assert refusal_words(refused("negative"), field="Rooms checked") == "Rooms checked cannot be negative."
    assert "GB/T 27772-2025" in refusal_words(refused("edition_without_thresholds"))
