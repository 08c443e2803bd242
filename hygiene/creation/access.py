"""How creation records are scoped: an application carries its township, village and (for a unit)
its unit, so the office reads its township's, a village contact its village's, a unit contact its
unit's. The targets are the office's plan: contacts do not read them."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hygiene.access.rules import scope_rule, work_record_clause
from hygiene.access.scope import Scope
from hygiene.creation.models import CreationApplication, CreationTarget

scope_rule(CreationApplication)(work_record_clause)


@scope_rule(CreationTarget)
def target_clause(scope: Scope, _model: type[Any]) -> sa.ColumnElement[bool]:
    """The year's targets are the township office's."""
    return CreationTarget.township_id == scope.township_id if scope.township_wide else sa.false()
