"""How the food registers are scoped: the office reads its township's, a village contact its
village's banquets and certificates, a unit contact its unit's certificates (and no banquets)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hygiene.access.rules import scope_rule, work_record_clause
from hygiene.access.scope import Scope
from hygiene.food.models import Banquet, FoodSettings, HealthCertificate

scope_rule(Banquet, HealthCertificate)(work_record_clause)


@scope_rule(FoodSettings)
def settings_clause(scope: Scope, _model: type[Any]) -> sa.ColumnElement[bool]:
    """The settings are the office's."""
    return FoodSettings.township_id == scope.township_id if scope.township_wide else sa.false()
