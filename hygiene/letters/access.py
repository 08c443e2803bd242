"""How letters are scoped: the office reads its township's letters, a village contact its village's
own letter (not the letters of the village's units: each unit signs for itself), a unit contact its
unit's letter. A signed letter's scan is seen by whoever reads the letter."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hygiene.access.roles import Role
from hygiene.access.rules import scope_rule
from hygiene.access.scope import Scope
from hygiene.letters.models import LetterTarget, TargetLetter
from hygiene.media.access import shown_by
from hygiene.media.models import Photo


@scope_rule(TargetLetter, LetterTarget)
def letter_clause(scope: Scope, model: type[Any]) -> sa.ColumnElement[bool]:
    """Staff: their township's; a village contact: the village's own; a unit contact: the unit's."""
    if scope.township_wide:
        return model.township_id == scope.township_id
    if scope.role is Role.VILLAGE_CONTACT and scope.village_id is not None:
        return sa.and_(model.village_id == scope.village_id, model.unit_id.is_(None))
    if scope.role is Role.UNIT_CONTACT and scope.unit_id is not None:
        return model.unit_id == scope.unit_id
    return sa.false()


@shown_by
def photos_of_letters(scope: Scope) -> sa.ColumnElement[bool]:
    """The scan of a signed letter: the office and the letter's village or unit."""
    return Photo.letter_id.in_(sa.select(TargetLetter.id).where(scope.clause(TargetLetter)))
