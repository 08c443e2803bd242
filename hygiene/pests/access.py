"""How the supplies ledger is scoped: the office reads its township's products and movements;
a village contact what was issued to their village, a unit contact to their unit (read-only)."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hygiene.access.roles import Role
from hygiene.access.rules import scope_rule, work_record_clause
from hygiene.access.scope import Scope
from hygiene.pests.models import PestProduct, PestSettings, SupplyMovement

scope_rule(SupplyMovement)(work_record_clause)


@scope_rule(PestProduct)
def product_clause(scope: Scope, _model: type[Any]) -> sa.ColumnElement[bool]:
    """The office: its township's products; a contact: the products issued to them."""
    if scope.township_wide:
        return PestProduct.township_id == scope.township_id
    if scope.role in (Role.VILLAGE_CONTACT, Role.UNIT_CONTACT):
        issued = sa.select(SupplyMovement.product_id).where(work_record_clause(scope, SupplyMovement))
        return PestProduct.id.in_(issued)
    return sa.false()


@scope_rule(PestSettings)
def settings_clause(scope: Scope, _model: type[Any]) -> sa.ColumnElement[bool]:
    """The office's reminder settings: its own township's staff; no contact."""
    if scope.township_wide and scope.township_id is not None:
        return PestSettings.township_id == scope.township_id
    return sa.false()
