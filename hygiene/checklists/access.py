"""How checklist templates are scoped: the county's shared ones and the township's own."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hygiene.access.rules import scope_rule
from hygiene.access.scope import Scope
from hygiene.checklists.models import ChecklistTemplate
from hygiene.checklists.queries import template_visible_clause


@scope_rule(ChecklistTemplate)
def template_rule(scope: Scope, _model: type[Any]) -> sa.ColumnElement[bool]:
    """The rule queries.template_visible_clause words."""
    return template_visible_clause(scope)
