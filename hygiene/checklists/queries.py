"""Reads of checklist templates and their versions."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from hygiene.access.scope import Scope
from hygiene.checklists.models import ChecklistTemplate, TemplateSection, TemplateVersion, version_keepers
from hygiene.errors import NotFound
from hygiene.extensions import db


def template_visible_clause(scope: Scope) -> sa.ColumnElement[bool]:
    """Templates a user may read: the county's shared ones and their own township's."""
    if scope.is_county_admin:
        return sa.true()
    return sa.or_(ChecklistTemplate.township_id.is_(None),
                  ChecklistTemplate.township_id == scope.township_id)


def template_list_stmt(scope: Scope) -> sa.Select:
    """Templates the scope may read, shared ones first, with their versions loaded at once."""
    return (sa.select(ChecklistTemplate).where(template_visible_clause(scope))
            .options(selectinload(ChecklistTemplate.versions))
            .order_by(ChecklistTemplate.township_id.is_not(None), ChecklistTemplate.name,
                      ChecklistTemplate.id))


def version_load(template: ChecklistTemplate, number: int | None) -> TemplateVersion:
    """One version of a template (the current one when no number), with its sheet loaded."""
    number = number or template.versions[-1].number
    version = db.session.scalar(
        sa.select(TemplateVersion).where(TemplateVersion.template_id == template.id,
                                         TemplateVersion.number == number)
        .options(selectinload(TemplateVersion.sections).selectinload(TemplateSection.items)))
    if version is None:
        raise NotFound("version not found")
    return version



def version_get(*, scope: Scope, version_id: int) -> TemplateVersion:
    """A version with its sheet, or NotFound: office staff read the versions of the templates
    they may read; a contact those its own records (inspections) were made with."""
    readable: sa.ColumnElement[bool]
    if scope.township_wide:
        readable = TemplateVersion.template_id.in_(
            sa.select(ChecklistTemplate.id).where(template_visible_clause(scope)))
    else:
        readable = sa.or_(sa.false(), *(
            sa.select(column).where(column == TemplateVersion.id, scope.clause(column.class_)).exists()
            for column in version_keepers()))
    version = db.session.scalar(
        sa.select(TemplateVersion).where(TemplateVersion.id == version_id, readable)
        .options(selectinload(TemplateVersion.sections).selectinload(TemplateSection.items),
                 selectinload(TemplateVersion.template)))
    if version is None:
        raise NotFound("version not found")
    return version


def editable(scope: Scope, template: ChecklistTemplate) -> bool:
    """Admins edit their own township's templates; shared ones only the county."""
    return scope.is_admin and (scope.is_county_admin or template.township_id is not None)


def version_uses(version: TemplateVersion) -> int:
    """How many records (inspections, ...) were made with this version."""
    return sum(db.session.scalar(sa.select(sa.func.count()).where(column == version.id)) or 0
               for column in version_keepers())
