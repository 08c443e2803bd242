"""Scoring arithmetic for a filled checklist, with no database.

The score is the points earned over the points of the applicable items, scaled to 100 and
rounded half-up to one decimal. A failed veto item (一票否决) fails the inspection whatever
the total. The grade is the first band whose minimum the score reaches; a vetoed inspection
takes the lowest band.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

PASS, FAIL, NOT_APPLICABLE = "pass", "fail", "na"
HUNDRED = Decimal(100)
GRADE_STEP = Decimal("0.5")
FINE_GRADE_STEP = Decimal("0.01")  # for items whose points are no multiple of GRADE_STEP


@dataclass(frozen=True)
class ItemRule:
    key: object
    points: Decimal
    scoring: str = "pass_fail"          # pass_fail | deduction | grade
    deduction_step: Decimal | None = None
    veto: bool = False


@dataclass(frozen=True)
class ItemAnswer:
    result: str | None = None           # pass | fail | na; None = not answered yet
    findings: int = 0                   # deduction items: how many faults were found
    grade: Decimal | None = None        # grade items: points given, 0..points


@dataclass(frozen=True)
class Band:
    label: str
    min: Decimal


@dataclass(frozen=True)
class ScoreResult:
    score: Decimal | None               # None when every item was not applicable
    earned: Decimal
    possible: Decimal
    vetoed: bool
    passed: bool
    grade: str
    failed: tuple                       # keys of items that lost points
    unanswered: tuple                   # keys of items without an answer


@dataclass(frozen=True)
class GradeScale:
    """The grades an item takes: from 0 to its points in steps of `step` (the input's min/max/step)."""

    max: Decimal
    step: Decimal
    min: Decimal = Decimal(0)

    def accepts(self, grade: Decimal) -> bool:
        """True for exactly the values the form's number input lets through."""
        return (grade.is_finite() and self.min <= grade <= self.max
                and (grade - self.min) % self.step == 0)

    def nearest(self, value: Decimal) -> Decimal:
        """The highest accepted grade not above `value` (clamped to the scale)."""
        steps = ((min(max(value, self.min), self.max) - self.min) / self.step).to_integral_value(ROUND_FLOOR)
        return self.min + steps * self.step


def grade_scale(points: Decimal) -> GradeScale:
    """The one rule for valid grades, shared by validation, the HTML input and the demo."""
    points = Decimal(points)
    step = GRADE_STEP if points % GRADE_STEP == 0 else FINE_GRADE_STEP
    return GradeScale(max=points, step=step)


def item_earned(rule: ItemRule, answer: ItemAnswer) -> Decimal | None:
    """Points an answer earns on its item; None when the item does not apply or is unanswered."""
    if answer.result in (None, NOT_APPLICABLE):
        return None
    if rule.scoring == "deduction":
        taken = (rule.deduction_step or Decimal(0)) * max(answer.findings, 0)
        return max(rule.points - taken, Decimal(0)) if answer.result == FAIL else rule.points
    if rule.scoring == "grade":
        grade = answer.grade if answer.grade is not None else (rule.points if answer.result == PASS else Decimal(0))
        return min(max(grade, Decimal(0)), rule.points)
    return rule.points if answer.result == PASS else Decimal(0)


def score_checklist(rules: list[ItemRule], answers: dict, *, pass_mark: Decimal,
                    bands: list[Band]) -> ScoreResult:
    """Score a checklist: `answers` maps item keys to ItemAnswer (missing means unanswered)."""
    earned = possible = Decimal(0)
    failed, unanswered, vetoed = [], [], False
    for rule in rules:
        answer = answers.get(rule.key, ItemAnswer())
        points = item_earned(rule, answer)
        if answer.result is None:
            unanswered.append(rule.key)
        if points is None:
            continue
        earned, possible = earned + points, possible + rule.points
        if points < rule.points:
            failed.append(rule.key)
            vetoed = vetoed or rule.veto
    score = _scaled(earned, possible)
    passed = score is not None and not vetoed and score >= pass_mark
    return ScoreResult(score, earned, possible, vetoed, passed,
                       grade_for(score, vetoed, bands), tuple(failed), tuple(unanswered))


def grade_for(score: Decimal | None, vetoed: bool, bands: list[Band]) -> str:
    """The label of the band the score falls in; the lowest band when vetoed."""
    ordered = sorted(bands, key=lambda band: band.min, reverse=True)
    if not ordered or score is None:
        return ""
    if vetoed:
        return ordered[-1].label
    return next((band.label for band in ordered if score >= band.min), ordered[-1].label)


def _scaled(earned: Decimal, possible: Decimal) -> Decimal | None:
    if possible == 0:
        return None
    return (earned * HUNDRED / possible).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
