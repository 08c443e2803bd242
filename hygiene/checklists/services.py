"""Checklist templates: saving (a used version is never changed), built-ins, import and export."""
from __future__ import annotations

import json
from pathlib import Path

import sqlalchemy as sa
import yaml
from flask_babel import gettext as _

from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record
from hygiene.checklists.models import ChecklistTemplate, TemplateItem, TemplateSection, TemplateVersion
from hygiene.checklists.queries import editable, template_visible_clause, version_uses
from hygiene.checklists.spec import SpecError, TemplateSpec, dump_template, parse_template
from hygiene.errors import DomainError, Forbidden, NotFound
from hygiene.extensions import db

BUILTIN_DIR = Path(__file__).parent / "builtin"


def template_get(*, scope: Scope, template_id: int) -> ChecklistTemplate:
    """Load a template the scope may read, or raise NotFound."""
    template = db.session.scalar(sa.select(ChecklistTemplate).where(
        ChecklistTemplate.id == template_id, template_visible_clause(scope)))
    if template is None or not scope.township_wide:
        raise NotFound("template not found")
    return template


def latest_version(template: ChecklistTemplate) -> TemplateVersion:
    return template.versions[-1]


def version_in_use(version: TemplateVersion) -> bool:
    return version_uses(version) > 0


def template_save(*, scope: Scope, actor_id: int | None, spec: TemplateSpec,
                  template: ChecklistTemplate | None = None) -> TemplateVersion:
    """Store a spec as a new template, or as the template's next version when the current
    one has been used; an unused current version is rewritten in place."""
    if not scope.is_admin:
        raise Forbidden(_("Only administrators edit checklists."))
    if template is not None and template.township_id is None and not scope.is_county_admin:
        raise Forbidden(_("Shared checklists are edited by the county; copy it to change it."))
    if template is None:
        template = ChecklistTemplate(code=spec.code or None, township_id=scope.township_id)
        db.session.add(template)
    template.name, template.applies_to = spec.name, spec.applies_to
    template.unit_categories = list(spec.unit_categories)
    current = template.versions[-1] if template.versions else None
    if current is not None and not version_in_use(current):
        db.session.delete(current)
        db.session.flush()
        number = current.number
    else:
        number = current.number + 1 if current else 1
    version = _version_from_spec(template, spec, number, actor_id)
    audit_record(actor_id=actor_id, action="create" if number == 1 else "update", record=template,
                 township_id=template.township_id, after={"version": number, "name": spec.name})
    return version


def _version_from_spec(template, spec: TemplateSpec, number: int, actor_id) -> TemplateVersion:
    version = TemplateVersion(
        template=template, number=number, name=spec.name, pass_mark=spec.pass_mark,
        bands=[{"label": b.label, "min": str(b.min)} for b in spec.bands],
        total_points=spec.points, draft=spec.draft, source=spec.source[:300],
        description=spec.description, created_by_id=actor_id)
    db.session.add(version)
    db.session.flush()
    position = 0
    for s_index, section_spec in enumerate(spec.sections):
        section = TemplateSection(version_id=version.id, position=s_index, title=section_spec.title)
        db.session.add(section)
        db.session.flush()
        for item in section_spec.items:
            position += 1
            db.session.add(TemplateItem(
                version_id=version.id, section_id=section.id, position=position, text=item.text,
                points=item.points, scoring=item.scoring, deduction_step=item.deduction_step,
                veto=item.veto, photo_on_fail=item.photo_on_fail, guidance=item.guidance,
                severity=item.severity))
    db.session.flush()
    db.session.refresh(template)
    return version


def version_spec(version: TemplateVersion) -> TemplateSpec:
    """Rebuild the plain spec of a stored version (for export and for the builder)."""
    template = version.template
    data = {
        "code": template.code or "", "name": version.name, "applies_to": template.applies_to,
        "unit_categories": template.unit_categories, "pass_mark": str(version.pass_mark),
        "bands": version.bands, "draft": version.draft, "source": version.source,
        "description": version.description,
        "sections": [{"title": s.title, "items": [_item_data(i) for i in s.items]}
                     for s in version.sections],
    }
    return parse_template(data)


def _item_data(item: TemplateItem) -> dict:
    return {"text": item.text, "points": str(item.points), "scoring": item.scoring,
            "deduction_step": str(item.deduction_step) if item.deduction_step is not None else None,
            "veto": item.veto, "photo_on_fail": item.photo_on_fail, "guidance": item.guidance,
            "severity": item.severity}


def template_export(version: TemplateVersion) -> str:
    """The version as a YAML document offices can share and import."""
    return yaml.safe_dump(dump_template(version_spec(version)), allow_unicode=True, sort_keys=False)


def template_parse_file(*, filename: str, data: bytes) -> TemplateSpec:
    """Parse an uploaded YAML or JSON template, or raise DomainError saying what is wrong."""
    try:
        text = data.decode("utf-8-sig")
        raw = json.loads(text) if filename.lower().endswith(".json") else yaml.safe_load(text)
    except (UnicodeDecodeError, ValueError, yaml.YAMLError):
        raise DomainError(_("The file is not a YAML or JSON checklist.")) from None
    try:
        return parse_template(raw)
    except SpecError as error:
        raise DomainError(_("The checklist has problems: %(problems)s",
                            problems="; ".join(map(str, error.problems[:10])))) from None


def builtin_specs() -> list[TemplateSpec]:
    """The built-in checklists shipped in builtin/*.yaml."""
    return [parse_template(yaml.safe_load(path.read_text("utf-8")))
            for path in sorted(BUILTIN_DIR.glob("*.yaml"))]


def templates_install_builtin(*, actor_id: int | None = None) -> int:
    """Install the built-in checklists as shared templates; already installed ones are kept."""
    county = Scope.county()
    installed = 0
    for spec in builtin_specs():
        exists = db.session.scalar(sa.select(ChecklistTemplate.id).where(
            ChecklistTemplate.code == spec.code))
        if exists is None:
            template_save(scope=county, actor_id=actor_id, spec=spec)
            installed += 1
    return installed


def template_import_target(scope: Scope, spec: TemplateSpec) -> tuple[ChecklistTemplate | None, TemplateSpec]:
    """Where an imported spec goes: the next version of the same-code template this admin may
    edit, else a new template (without the code when another template already has it)."""
    if not spec.code:
        return None, spec
    same = db.session.scalar(sa.select(ChecklistTemplate).where(ChecklistTemplate.code == spec.code))
    if same is None:
        return None, spec
    visible = db.session.scalar(sa.select(ChecklistTemplate.id).where(
        ChecklistTemplate.id == same.id, template_visible_clause(scope)))
    if visible is not None and editable(scope, same):
        return same, spec
    return None, spec.model_copy(update={"code": ""})
