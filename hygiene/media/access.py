"""How photos are scoped: a photo is seen where a record that shows it is seen.

Media knows no work domain, so each domain whose records show photos registers the clause
"photos my records show to this scope" with `@shown_by`; the photo rule is their union."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from hygiene.access.rules import scope_rule
from hygiene.access.scope import Scope
from hygiene.media.models import Photo

ShownBy = Callable[[Scope], sa.ColumnElement[bool]]

_SHOWN_BY: list[ShownBy] = []


def shown_by(clause: ShownBy) -> ShownBy:
    """Register a clause of the photos some domain's records show to a scope."""
    if clause not in _SHOWN_BY:
        _SHOWN_BY.append(clause)
    return clause


@scope_rule(Photo)
def photo_clause(scope: Scope, _model: type[Any]) -> sa.ColumnElement[bool]:
    """Photos shown by a record the scope may see; none while no domain shows photos."""
    return sa.or_(sa.false(), *(clause(scope) for clause in _SHOWN_BY))
