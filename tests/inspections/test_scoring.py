"""Scoring arithmetic: reference sheets as tables, and properties that must always hold."""
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hygiene.inspections.scoring import (
    FAIL,
    NOT_APPLICABLE,
    PASS,
    Band,
    ItemAnswer,
    ItemRule,
    grade_for,
    item_earned,
    score_checklist,
)

BANDS = [Band("优秀", D(90)), Band("良好", D(80)), Band("合格", D(60)), Band("不合格", D(0))]

# §6.4 township-checks-village sheet: sections of 10/5/10/15/15/15/10/20 points = 100.
SHEET_64 = [ItemRule(f"s{i}", D(p)) for i, p in enumerate([10, 5, 10, 15, 15, 15, 10, 20], 1)]


def answers(**results):
    return {key: ItemAnswer(result=value) if isinstance(value, str) else value
            for key, value in results.items()}


def score(rules, given_answers, pass_mark=D(60)):
    return score_checklist(rules, given_answers, pass_mark=pass_mark, bands=BANDS)


@pytest.mark.parametrize("failed, expected, grade", [
    ([], D("100.0"), "优秀"),
    (["s2"], D("95.0"), "优秀"),              # fixed board and HE records missing: -5
    (["s1", "s3"], D("80.0"), "良好"),        # organisation 10 and 门前三包 10
    (["s4", "s5", "s6"], D("55.0"), "不合格"),
])
def test_sheet_6_4_scores_as_the_paper_sheet_adds_up(failed, expected, grade):
    result = score(SHEET_64, answers(**{r.key: FAIL if r.key in failed else PASS for r in SHEET_64}))
    assert (result.score, result.grade, result.failed) == (expected, grade, tuple(failed))


def test_not_applicable_items_leave_the_scale():
    # a village without a public toilet: section 5 (15 points) does not apply
    given_answers = answers(**{**{r.key: PASS for r in SHEET_64}, "s5": NOT_APPLICABLE, "s8": FAIL})
    result = score(SHEET_64, given_answers)
    assert (result.earned, result.possible) == (D(65), D(85))
    assert result.score == D("76.5")          # 65 / 85 = 76.47 -> 76.5


def test_deduction_per_finding_is_capped_at_the_items_points():
    # 黎川 sheet: 五净五无 10 points, -1 per violation
    rule = ItemRule("wujing", D(10), "deduction", D(1))
    assert item_earned(rule, ItemAnswer(FAIL, findings=3)) == D(7)
    assert item_earned(rule, ItemAnswer(FAIL, findings=25)) == D(0)
    assert item_earned(rule, ItemAnswer(PASS, findings=3)) == D(10)


def test_half_point_deductions_and_grades():
    rules = [ItemRule("a", D(2), "deduction", D("0.5")), ItemRule("b", D(8), "grade")]
    result = score(rules, {"a": ItemAnswer(FAIL, findings=1), "b": ItemAnswer(PASS, grade=D(6))})
    assert (result.earned, result.score, result.failed) == (D("7.5"), D("75.0"), ("a", "b"))


def test_a_failed_veto_item_fails_whatever_the_total():
    rules = [*SHEET_64, ItemRule("poison", D(1), veto=True)]
    result = score(rules, answers(**{r.key: PASS for r in SHEET_64}, poison=FAIL))
    assert result.score == D("99.0") and result.vetoed and not result.passed
    assert result.grade == "不合格"


def test_unanswered_items_are_listed_and_do_not_count():
    result = score(SHEET_64, answers(s1=PASS))
    assert result.unanswered == tuple(r.key for r in SHEET_64[1:]) and result.score == D(100)


def test_all_not_applicable_has_no_score_and_does_not_pass():
    result = score(SHEET_64, answers(**{r.key: NOT_APPLICABLE for r in SHEET_64}))
    assert result.score is None and not result.passed and result.grade == ""


def test_pass_mark_is_inclusive():
    rules = [ItemRule("a", D(60)), ItemRule("b", D(40))]
    assert score(rules, answers(a=PASS, b=FAIL)).passed
    assert not score(rules, answers(a=PASS, b=FAIL), pass_mark=D("60.1")).passed


def test_catering_bands_90_75_60():
    bands = [Band("A", D(90)), Band("B", D(75)), Band("C", D(60)), Band("不合格", D(0))]
    assert [grade_for(D(s), False, bands) for s in ("90", "89.9", "75", "60", "59.9")] == \
        ["A", "B", "B", "C", "不合格"]


points = st.decimals(min_value=D("0.5"), max_value=D(30), places=1)
rule_strategy = st.builds(
    ItemRule, key=st.uuids(), points=points,
    scoring=st.sampled_from(["pass_fail", "deduction", "grade"]),
    deduction_step=st.decimals(min_value=D("0.5"), max_value=D(5), places=1),
    veto=st.booleans())
answer_strategy = st.builds(
    ItemAnswer, result=st.sampled_from([PASS, FAIL, NOT_APPLICABLE, None]),
    findings=st.integers(min_value=0, max_value=20),
    grade=st.one_of(st.none(), st.decimals(min_value=D(-5), max_value=D(40), places=1)))
checklists = st.lists(st.tuples(rule_strategy, answer_strategy), min_size=1, max_size=25)


def split(pairs):
    return [r for r, _ in pairs], {r.key: a for r, a in pairs}


@given(checklists)
def test_score_stays_within_0_and_100(pairs):
    result = score(*split(pairs))
    assert result.score is None or D(0) <= result.score <= D(100)
    assert D(0) <= result.earned <= result.possible


@given(checklists, rule_strategy)
def test_a_not_applicable_item_never_changes_the_result(pairs, extra):
    rules, given_answers = split(pairs)
    before = score(rules, given_answers)
    after = score([*rules, extra], {**given_answers, extra.key: ItemAnswer(NOT_APPLICABLE)})
    assert (after.score, after.passed, after.grade) == (before.score, before.passed, before.grade)


@given(checklists, st.data())
def test_turning_a_fail_into_a_pass_never_lowers_the_score(pairs, data):
    rules, given_answers = split(pairs)
    failing = [k for k, a in given_answers.items() if a.result == FAIL]
    if not failing:
        return
    key = data.draw(st.sampled_from(failing))
    before = score(rules, given_answers)
    after = score(rules, {**given_answers, key: ItemAnswer(PASS, grade=None)})
    assert after.score >= before.score
    assert after.passed or not before.passed


@given(checklists)
def test_a_vetoed_inspection_never_passes(pairs):
    result = score(*split(pairs))
    assert not (result.vetoed and result.passed)
