"""Reads: the year's letters, and the year-end assessment board (every letter of the year with
each target's actual, met or not, and the score). A constant number of queries whatever the
number of villages: the letters, their targets, and one aggregate per target kind."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from hygiene.access.scope import Scope
from hygiene.extensions import db
from hygiene.letters.kinds import TARGET_KINDS, measured
from hygiene.letters.models import LetterTarget, TargetLetter
from hygiene.letters.rules import letter_score, target_met
from hygiene.letters.status import LetterStatus
from hygiene.media.models import Photo
from hygiene.places.models import Village


@dataclass(frozen=True)
class TargetResult:
    kind: str
    target: Decimal
    actual: Decimal | None
    met: bool | None    # None: nothing to measure, left out of the score


@dataclass(frozen=True)
class AssessmentRow:
    letter: TargetLetter
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
    shows what its assessment froze, the others what the year's records say so far."""
    letters = letters_of_year(scope=scope, year=year)
    live = measured(township_id=scope.township_id, year=year) if any(
        letter.status != LetterStatus.ASSESSED for letter, _name in letters) else {}
    rows = [_row(letter, name, live) for letter, name in letters]
    return sorted(rows, key=lambda row: (row.score is None, -(row.score or 0)))  # best first, names kept in order


def _row(letter: TargetLetter, name: str, live: dict[str, dict[int, Decimal]]) -> AssessmentRow:
    frozen = letter.status == LetterStatus.ASSESSED
    results = [_result(target, live, frozen) for target in letter.targets]
    score = letter.score if frozen else letter_score(r.met for r in results)
    return AssessmentRow(letter, name, results, score, frozen)


def _result(target: LetterTarget, live: dict[str, dict[int, Decimal]], frozen: bool) -> TargetResult:
    if frozen:
        return TargetResult(target.kind, target.target, target.actual, target.met)
    actual = live.get(target.kind, {}).get(target.village_id)
    kind = TARGET_KINDS.get(target.kind)
    return TargetResult(target.kind, target.target, actual,
                        target_met(actual, target.target, higher_is_better=kind.higher_is_better if kind else True))


def letter_results(letter: TargetLetter) -> AssessmentRow:
    """One letter measured, as the board shows it."""
    live = {} if letter.status == LetterStatus.ASSESSED else measured(township_id=letter.township_id,
                                                                      year=letter.year)
    return _row(letter, letter.village.name, live)


def letter_scans(letter: TargetLetter) -> list[Photo]:
    """The scans of the signed letter, in the order they were kept."""
    return list(db.session.scalars(sa.select(Photo).where(Photo.letter_id == letter.id).order_by(Photo.id)))
