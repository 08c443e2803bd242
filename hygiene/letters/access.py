"""How letters are scoped: the office reads its township's, a village contact its own village's
letter; a unit contact has none. A signed letter's scan is seen by whoever reads the letter."""
from __future__ import annotations

import sqlalchemy as sa

from hygiene.access.rules import scope_rule, work_record_clause
from hygiene.access.scope import Scope
from hygiene.letters.models import LetterTarget, TargetLetter
from hygiene.media.access import shown_by
from hygiene.media.models import Photo

scope_rule(TargetLetter, LetterTarget)(work_record_clause)


@shown_by
def photos_of_letters(scope: Scope) -> sa.ColumnElement[bool]:
    """The scan of a signed letter: the office and the letter's village."""
    return Photo.letter_id.in_(sa.select(TargetLetter.id).where(scope.clause(TargetLetter)))
