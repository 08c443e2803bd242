"""How the health-education log is scoped: the office reads its township's activities; a village
contact their village's own log (not its units'), a unit contact their unit's. The targets are the
office's. An activity's photos are seen by whoever reads the activity."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from hygiene.access.roles import Role
from hygiene.access.rules import scope_rule
from hygiene.access.scope import Scope
from hygiene.education.models import EducationActivity, EducationMonthCount, EducationSettings
from hygiene.media.access import shown_by
from hygiene.media.models import Photo


@scope_rule(EducationActivity, EducationMonthCount)
def activity_clause(scope: Scope, model: type[Any]) -> sa.ColumnElement[bool]:
    """The office: its township's; a contact: their own log only (and its month counts)."""
    a = model
    if scope.township_wide:
        return a.township_id == scope.township_id
    if scope.role is Role.VILLAGE_CONTACT:
        return sa.and_(a.village_id == scope.village_id, a.unit_id.is_(None))
    if scope.role is Role.UNIT_CONTACT:
        return a.unit_id == scope.unit_id
    return sa.false()


@scope_rule(EducationSettings)
def settings_clause(scope: Scope, _model: type[Any]) -> sa.ColumnElement[bool]:
    """The targets: the township's office."""
    if scope.township_wide and scope.township_id is not None:
        return EducationSettings.township_id == scope.township_id
    return sa.false()


@shown_by
def photos_of_education(scope: Scope) -> sa.ColumnElement[bool]:
    """An activity's photos: whoever reads the activity."""
    seen = sa.select(EducationActivity.id).where(scope.clause(EducationActivity))
    return Photo.education_activity_id.in_(seen)
