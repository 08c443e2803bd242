"""Reads: the year's letters, and the year-end assessment board (every letter of the year with
each target's actual, met or not, and the score). A constant number of queries whatever the
number of villages: the letters, their targets, and one aggregate per target kind."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from hygiene.access.scope import Scope
from hygiene.extensions import db
from hygiene.letters.kinds import TARGET_KINDS, measured
from hygiene.letters.models import LetterTarget, TargetLetter
from hygiene.letters.rules import letter_score, target_met
from hygiene.letters.status import LetterStatus, Outcome
from hygiene.media.models import Photo
from hygiene.places.models import Village


@dataclass(frozen=True)
class TargetResult:
    kind: str
    target: Decimal
    actual: Decimal | None
    met: bool | None    # None: nothing to measure, left out of the score


@dataclass(frozen=True)
class LetterFacts:
    """What the board and the export show of a letter (read as columns, not loaded as records)."""

    id: int
    village_id: int
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

    @property
    def met_count(self) -> int:
        return sum(1 for r in self.results if r.met)

    @property
    def measured_count(self) -> int:
        return sum(1 for r in self.results if r.met is not None)


def letters_of_year(*, scope: Scope, year: int) -> list[tuple[TargetLetter, str]]:
    """The scope's letters of the year with their village's name, by village name (targets loaded)."""
    stmt = (sa.select(TargetLetter, Village.name).join(Village, Village.id == TargetLetter.village_id)
            .where(TargetLetter.year == year, scope.clause(TargetLetter))
            .options(selectinload(TargetLetter.targets))
            .order_by(Village.township_id, Village.name, Village.id))
    return [(letter, name) for letter, name in db.session.execute(stmt)]


def villages_without_letter(*, scope: Scope, year: int) -> int:
    """How many active villages of the scope have no letter of the year yet."""
    have = sa.select(TargetLetter.village_id).where(TargetLetter.year == year)
    return db.session.scalar(sa.select(sa.func.count()).select_from(Village).where(
        scope.clause(Village), Village.active.is_(True), Village.id.not_in(have))) or 0


def assessment_board(*, scope: Scope, year: int) -> list[AssessmentRow]:
    """Every letter of the year in the scope, measured, the best score first: an assessed letter
    shows what its assessment froze, the others what the year's records say so far. One query
    reads the letters with their targets, one a target kind."""
    L, T = TargetLetter, LetterTarget
    stmt = (sa.select(L.id, L.village_id, L.status, L.signed_on, L.score, L.outcome, L.amount, L.decision_note,
                      Village.name, T.kind, T.target, T.actual, T.met)
            .join(Village, Village.id == L.village_id).outerjoin(T, T.letter_id == L.id)
            .where(L.year == year, scope.clause(L))
            .order_by(Village.township_id, Village.name, L.id, T.id))
    letters: dict[int, tuple[LetterFacts, str, list]] = {}
    for row in db.session.execute(stmt):
        if row[0] not in letters:
            letters[row[0]] = (LetterFacts(*row[:8]), row[8], [])
        if row[9] is not None:
            letters[row[0]][2].append(row[9:])
    live = measured(township_id=scope.township_id, year=year) if any(
        facts.status != LetterStatus.ASSESSED for facts, _name, _targets in letters.values()) else {}
    rows = [_board_row(facts, name, targets, live) for facts, name, targets in letters.values()]
    return sorted(rows, key=lambda row: (row.score is None, -(row.score or 0)))  # best first, names kept in order


def _board_row(facts: LetterFacts, name: str, targets: list, live: dict[str, dict[int, Decimal]]) -> AssessmentRow:
    frozen = facts.status == LetterStatus.ASSESSED
    results = [TargetResult(kind, target, actual, met) if frozen else
               _live_result(kind, target, live.get(kind, {}).get(facts.village_id))
               for kind, target, actual, met in targets]
    score = facts.score if frozen else letter_score(r.met for r in results)
    return AssessmentRow(facts, name, results, score, frozen)


def _live_result(kind_key: str, target: Decimal, actual: Decimal | None) -> TargetResult:
    kind = TARGET_KINDS.get(kind_key)
    return TargetResult(kind_key, target, actual,
                        target_met(actual, target, higher_is_better=kind.higher_is_better if kind else True))


def letter_results(letter: TargetLetter) -> AssessmentRow:
    """One letter measured, as the board shows it."""
    frozen = letter.status == LetterStatus.ASSESSED
    live = {} if frozen else measured(township_id=letter.township_id, year=letter.year)
    results = [TargetResult(t.kind, t.target, t.actual, t.met) if frozen else
               _live_result(t.kind, t.target, live.get(t.kind, {}).get(letter.village_id)) for t in letter.targets]
    score = letter.score if frozen else letter_score(r.met for r in results)
    return AssessmentRow(letter, letter.village.name, results, score, frozen)


def letter_scans(letter: TargetLetter) -> list[Photo]:
    """The scans of the signed letter, in the order they were kept."""
    return list(db.session.scalars(sa.select(Photo).where(Photo.letter_id == letter.id).order_by(Photo.id)))
