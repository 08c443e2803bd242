"""How user accounts are scoped: the rule the user administration already words."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hygiene.access.rules import scope_rule
from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.accounts.services import user_scope_clause


@scope_rule(User)
def user_rule(scope: Scope, _model: type[Any]) -> sa.ColumnElement[bool]:
    """Users of the scope's township (services.user_scope_clause)."""
    return user_scope_clause(scope)
