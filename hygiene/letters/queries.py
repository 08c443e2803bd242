"""Reads: the year's letters, and the year-end assessment board (every village's and unit's letter
of the year with each target's actual, met or not, and the score). The board is one statement
whatever the number of villages and units: it reads the measurements the letters keep
(letters/measure.py), never measures live; a letter's own page measures it live (one subject)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from hygiene.access.scope import Scope
from hygiene.extensions import db
from hygiene.letters.kinds import TARGET_KINDS, actual_of, measured
from hygiene.letters.models import LetterTarget, TargetLetter
from hygiene.letters.rules import CENT, letter_score, target_met
from hygiene.letters.status import LetterStatus, Outcome
from hygiene.media.models import Photo
from hygiene.places.models import Unit, Village


class TargetResult(NamedTuple):
    kind: str
    target: Decimal
    actual: Decimal | None
    met: bool | None    # None: nothing to measure, left out of the score


@dataclass(frozen=True)
class LetterFacts:
    """What the board and the export show of a letter (read as columns, not loaded as records)."""

    id: int
    village_id: int
    unit_id: int | None
    status: str
    signed_on: date | None
    score: Decimal | None
    outcome: str | None
    amount: Decimal | None
    decision_note: str

    @property
    def outcome_label(self) -> str:
        return Outcome.label_of(self.outcome) if self.outcome else ""


@dataclass(frozen=True)
class AssessmentRow:
    letter: LetterFacts | TargetLetter
    village_name: str
    results: list[TargetResult]
    score: Decimal | None
    frozen: bool     # assessed: the figures of the assessment, not today's
    unit_name: str | None = None   # a unit's letter: the unit (village_name is its village)
    measured_at: datetime | None = None   # an open letter on the board: when its figures were measured

    @property
    def subject(self) -> str:
        return "unit" if self.unit_name is not None else "village"

    @property
    def name(self) -> str:
        """What the board shows: the village, or the unit with its village."""
        return f"{self.unit_name}（{self.village_name}）" if self.unit_name is not None else self.village_name

    @property
    def met_count(self) -> int:
        return sum(1 for r in self.results if r.met)

    @property
    def measured_count(self) -> int:
        return sum(1 for r in self.results if r.met is not None)


def letters_of_year(*, scope: Scope, year: int, subject: str | None = None) -> list[tuple[TargetLetter, str]]:
    """The scope's letters of the year (of villages or units only, when `subject` says) with the name
    they are listed by: villages by name, each followed by its units' letters (targets loaded)."""
    stmt = (sa.select(TargetLetter, Village.name, Unit.name).join(Village, Village.id == TargetLetter.village_id)
            .outerjoin(Unit, Unit.id == TargetLetter.unit_id)
            .where(TargetLetter.year == year, scope.clause(TargetLetter), *subject_is(subject))
            .options(selectinload(TargetLetter.targets))
            .order_by(Village.township_id, Village.name, Village.id, TargetLetter.unit_id.is_not(None), Unit.name))
    return [(letter, f"{unit}（{village}）" if unit is not None else village)
            for letter, village, unit in db.session.execute(stmt)]


def subject_is(subject: str | None) -> list[sa.ColumnElement[bool]]:
    if subject == "village":
        return [TargetLetter.unit_id.is_(None)]
    if subject == "unit":
        return [TargetLetter.unit_id.is_not(None)]
    return []


def units_without_letter(*, scope: Scope, year: int) -> int:
    """How many active units of the scope have no letter of the year yet."""
    have = sa.select(TargetLetter.unit_id).where(TargetLetter.year == year, TargetLetter.unit_id.is_not(None))
    return db.session.scalar(sa.select(sa.func.count()).select_from(Unit).join(Village, Village.id == Unit.village_id)
                             .where(scope.clause(Village), Unit.active.is_(True), Unit.id.not_in(have))) or 0


def villages_without_letter(*, scope: Scope, year: int) -> int:
    """How many active villages of the scope have no letter of the year yet."""
    have = sa.select(TargetLetter.village_id).where(TargetLetter.year == year, TargetLetter.unit_id.is_(None))
    return db.session.scalar(sa.select(sa.func.count()).select_from(Village).where(
        scope.clause(Village), Village.active.is_(True), Village.id.not_in(have))) or 0


def assessment_board(*, scope: Scope, year: int, subject: str | None = None) -> list[AssessmentRow]:
    """Every letter of the year in the scope (villages' and units', or of one `subject`), the best
    score first, then by township, village and unit name: an assessed letter shows what its
    assessment froze, the others their stored measurements (letters/measure.py: as fresh as
    `measured_as_of` says). One statement, a row a letter: its targets come as one string
    (`_targets_text`), which costs the database and the driver a third of a row a target."""
    L, T = TargetLetter, LetterTarget
    stmt = (sa.select(L.id, L.village_id, L.unit_id, L.status, L.signed_on, L.score, L.outcome, L.amount,
                      L.decision_note, Village.name, Unit.name, Village.township_id,
                      sa.func.aggregate_strings(_targets_text(), ";"), sa.func.min(T.measured_at),
                      sa.func.count(T.measured_at))
            .join(Village, Village.id == L.village_id).outerjoin(Unit, Unit.id == L.unit_id)
            .outerjoin(T, T.letter_id == L.id)
            .where(L.year == year, scope.clause(L), *subject_is(subject))
            .group_by(L.id, Village.id, Unit.id))
    better = {key: kind.higher_is_better for key, kind in TARGET_KINDS.items()}
    seen: dict[tuple[bool, str], TargetResult] = {}
    keyed = [_board_row(row, better, seen) for row in db.session.connection().execute(stmt).all()]
    keyed.sort(key=lambda pair: pair[0])
    return [row for _key, row in keyed]


def _targets_text() -> sa.ColumnElement[str]:
    """A target as "kind target value met": the value frozen by the assessment or the one stored
    by the last measuring, "-" for none; met as frozen ("1", "0", "-"), "-" while the letter is open."""
    L, T = TargetLetter, LetterTarget
    frozen = L.status == LetterStatus.ASSESSED
    value = sa.func.coalesce(sa.cast(sa.case((frozen, T.actual), else_=T.measured), sa.String), "-")
    met = sa.case((sa.and_(frozen, T.met.is_(True)), "1"), (sa.and_(frozen, T.met.is_(False)), "0"), else_="-")
    return T.kind + " " + sa.cast(T.target, sa.String) + " " + value + " " + met


def _amount(text: str) -> Decimal | None:
    return None if text == "-" else Decimal(text).quantize(CENT)


def _result(part: str, frozen: bool, better: dict[str, bool]) -> TargetResult:
    """One target of `_targets_text`: met as frozen, or judged now from the stored value."""
    kind, target_text, value_text, met_text = part.split(" ")
    target, value = Decimal(target_text).quantize(CENT), _amount(value_text)
    if frozen:
        return TargetResult(kind, target, value, met_text == "1" if met_text != "-" else None)
    return TargetResult(kind, target, value, target_met(value, target, higher_is_better=better.get(kind, True)))


def _board_row(row: Any, better: dict[str, bool], seen: dict) -> tuple[tuple, AssessmentRow]:
    """A letter's row of the board, with its place (best score first, then the names in order).
    `seen` keeps the targets already read: most letters share their targets and many their values."""
    facts = LetterFacts(*row[:9])
    village, unit, township_id, text, oldest, measured = row[9:]
    frozen = facts.status == LetterStatus.ASSESSED
    results = []
    for part in text.split(";") if text else ():
        result = seen.get((frozen, part))
        if result is None:
            result = seen[(frozen, part)] = _result(part, frozen, better)
        results.append(result)
    score = facts.score if frozen else letter_score(r.met for r in results)
    measured_at = oldest if not frozen and results and measured == len(results) else None
    place = (score is None, -(score or 0), township_id, village, facts.village_id, unit is not None, unit or "", facts.id)
    return place, AssessmentRow(facts, village, results, score, frozen, unit, measured_at=measured_at)


def measured_as_of(rows: list[AssessmentRow]) -> tuple[datetime | None, int]:
    """When the open letters shown were measured (the oldest of their times, in UTC) and how many
    of them are not measured yet."""
    waiting = [row for row in rows if not row.frozen and row.results]
    times = [row.measured_at for row in waiting if row.measured_at is not None]
    return (min(times) if times else None), len(waiting) - len(times)


def _live_result(kind_key: str, target: Decimal, actual: Decimal | None) -> TargetResult:
    kind = TARGET_KINDS.get(kind_key)
    return TargetResult(kind_key, target, actual,
                        target_met(actual, target, higher_is_better=kind.higher_is_better if kind else True))


def letter_results(letter: TargetLetter) -> AssessmentRow:
    """One letter measured, as the board shows it."""
    frozen = letter.status == LetterStatus.ASSESSED
    live = {} if frozen else measured(township_id=letter.township_id, year=letter.year, subjects=(letter.subject,))
    results = [TargetResult(t.kind, t.target, t.actual, t.met) if frozen else
               _live_result(t.kind, t.target, actual_of(live, t.kind, village_id=letter.village_id,
                                                        unit_id=letter.unit_id)) for t in letter.targets]
    score = letter.score if frozen else letter_score(r.met for r in results)
    return AssessmentRow(letter, letter.village.name, results, score, frozen,
                         letter.unit.name if letter.unit else None)


def letter_scans(letter: TargetLetter) -> list[Photo]:
    """The scans of the signed letter, in the order they were kept."""
    return list(db.session.scalars(sa.select(Photo).where(Photo.letter_id == letter.id).order_by(Photo.id)))
