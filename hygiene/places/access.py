"""How the register is scoped: townships, villages, and the records of a village."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hygiene.access.roles import Role
from hygiene.access.rules import scope_rule
from hygiene.access.scope import Scope
from hygiene.places.models import Cleaner, Household, Township, Unit, Village


@scope_rule(Township)
def township_clause(scope: Scope, _model: type[Any]) -> sa.ColumnElement[bool]:
    """Office staff read their own township; contacts none."""
    return Township.id == scope.township_id if scope.township_wide else sa.false()


@scope_rule(Village)
def village_clause(scope: Scope, _model: type[Any]) -> sa.ColumnElement[bool]:
    """Office staff read their township's villages, a village contact their own."""
    if scope.township_wide:
        return Village.township_id == scope.township_id
    return Village.id == scope.village_id if scope.role is Role.VILLAGE_CONTACT else sa.false()


@scope_rule(Unit, Household, Cleaner)
def village_record_clause(scope: Scope, model: type[Any]) -> sa.ColumnElement[bool]:
    """Units, households, cleaners: those of the scope's villages; a unit contact their unit."""
    if scope.township_wide:
        villages = sa.select(Village.id).where(Village.township_id == scope.township_id)
        return model.village_id.in_(villages)
    if scope.role is Role.VILLAGE_CONTACT:
        return model.village_id == scope.village_id
    if scope.role is Role.UNIT_CONTACT and model is Unit:
        return Unit.id == scope.unit_id
    return sa.false()
