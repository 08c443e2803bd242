"""Checklist template pages: list, view, build, import and export."""
from __future__ import annotations

import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.access.scope import Scope
from hygiene.checklists import forms, services
from hygiene.checklists.models import ChecklistTemplate, TemplateVersion
from hygiene.checklists.queries import editable, template_list_stmt, version_load, version_uses
from hygiene.checklists.spec import SpecError, TemplateSpec, parse_template
from hygiene.core.download import attachment_disposition
from hygiene.core.input import db_int
from hygiene.core.web import current_scope, paginated, require_admin, require_office
from hygiene.errors import DomainError
from hygiene.extensions import db
from hygiene.places.rules import UNIT_CATEGORIES

bp = Blueprint("checklists", __name__, url_prefix="/checklists")
COPY_SUFFIX = "（副本）"


@bp.before_request
@login_required
def _office_only() -> None:
    """Office staff (admins, inspectors) read checklists; contacts get 403 on every page here."""
    require_office()


@bp.get("/")
def template_list():
    scope = current_scope()
    page = paginated(template_list_stmt(scope), per_page=20)
    return render_template("checklists/list.html", page=page, can_edit=scope.is_admin, **_labels())


@bp.get("/<int:template_id>")
def template_detail(template_id: int):
    scope = current_scope()
    template = services.template_get(scope=scope, template_id=template_id)
    version = version_load(template, request.args.get("version", type=db_int))
    return render_template("checklists/detail.html", template=template, version=version,
                           uses=version_uses(version), editable=editable(scope, template),
                           can_copy=scope.is_admin, **_labels())


@bp.get("/<int:template_id>/export.yaml")
def template_export(template_id: int):
    template = services.template_get(scope=current_scope(), template_id=template_id)
    version = version_load(template, request.args.get("version", type=db_int))
    return Response(services.template_export(version), mimetype="application/x-yaml", headers={
        "Content-Disposition": download_disposition(template, version)})


@bp.route("/new", methods=["GET", "POST"])
def template_new():
    return _builder(require_admin(), None)


@bp.route("/<int:template_id>/edit", methods=["GET", "POST"])
def template_edit(template_id: int):
    scope = require_admin()
    template = services.template_get(scope=scope, template_id=template_id)
    if not editable(scope, template):
        if request.method == "POST":
            abort(403)
        return render_template("checklists/shared.html", template=template)
    return _builder(scope, template)


@bp.post("/<int:template_id>/copy")
def template_copy(template_id: int):
    scope = require_admin()
    template = services.template_get(scope=scope, template_id=template_id)
    spec = services.version_spec(services.latest_version(template))
    name = spec.name[:120 - len(COPY_SUFFIX)] + COPY_SUFFIX
    version = services.template_save(scope=scope, actor_id=current_user.id,
                                     spec=spec.model_copy(update={"name": name, "code": ""}))
    db.session.commit()
    flash(_("Copied to your checklists as “%(name)s”; change it as you need.", name=name), "success")
    return redirect(url_for(".template_edit", template_id=version.template_id))


@bp.route("/import", methods=["GET", "POST"])
def template_import():
    scope, form = require_admin(), forms.ImportForm()
    if form.validate_on_submit():
        try:
            spec = _uploaded_spec(form.file.data)
        except DomainError as error:
            form.file.errors = [*form.file.errors, error.message]
        else:
            return _save(scope, *services.template_import_target(scope, spec))
    status = 422 if request.method == "POST" else 200
    return render_template("checklists/import.html", form=form), status


# --- the builder ----------------------------------------------------------------------------

def _builder(scope: Scope, template: ChecklistTemplate | None):
    """Draw, change (add, remove, reorder rows) or save the checklist builder."""
    if request.method == "GET":
        rows = forms.rows_from_spec(services.version_spec(template.versions[-1])) if template else None
        return _builder_page(forms.builder_form(rows), template)
    form = forms.TemplateForm()
    if not form.validate_on_submit():  # only the CSRF token can fail here
        return _builder_page(form, template, 422)
    action = forms.builder_action(request.form)
    rows = form.rows(drop_blank=action[0] == "save")
    if action[0] != "save":
        return _builder_page(forms.builder_form(forms.rows_changed(rows, action)), template)
    try:
        spec = parse_template(forms.spec_data(rows, code=(template.code or "") if template else ""))
    except SpecError as error:
        form = forms.builder_form(rows)
        form.problems_shown(error.problems)
        return _builder_page(form, template, 422)
    return _save(scope, template, spec)


def _save(scope: Scope, template: ChecklistTemplate | None, spec: TemplateSpec):
    """Store the spec (a new template, or the template's next or rewritten version) and go to it."""
    before = template.versions[-1].number if template else None
    version = services.template_save(scope=scope, actor_id=current_user.id, spec=spec,
                                     template=template)
    db.session.commit()
    flash(_saved_message(before, version), "success")
    return redirect(url_for(".template_detail", template_id=version.template_id))


def _builder_page(form: forms.TemplateForm, template: ChecklistTemplate | None, status: int = 200):
    in_use = bool(template) and version_uses(template.versions[-1]) > 0
    return render_template("checklists/builder.html", form=form, template=template,
                           in_use=in_use, **_labels()), status


def _saved_message(before: int | None, version: TemplateVersion) -> str:
    if before is None:
        return _("Saved the checklist “%(name)s”.", name=version.name)
    if version.number > before:
        return _("Saved as version %(new)d: version %(old)d was used by inspections, so it stays "
                 "as it was.", new=version.number, old=before)
    return _("Saved: version %(n)d had not been used by any inspection yet, so it was updated.",
             n=version.number)


def _uploaded_spec(upload) -> TemplateSpec:
    name = upload.filename or ""
    if not name.lower().endswith((".yaml", ".yml", ".json")):
        raise DomainError(_("Choose a .yaml, .yml or .json file."))
    data = upload.read(forms.IMPORT_MAX_BYTES + 1)
    if len(data) > forms.IMPORT_MAX_BYTES:
        raise DomainError(_("The file is larger than 1 MB."))
    return services.template_parse_file(filename=name, data=data)


def _labels() -> dict:
    return {"kinds": forms.TARGET_KIND_LABELS, "scorings": forms.SCORING_LABELS,
            "severities": forms.SEVERITY_LABELS, "categories": UNIT_CATEGORIES}


def download_disposition(template: ChecklistTemplate, version: TemplateVersion) -> str:
    """An attachment header with an ASCII file name and the Chinese name for modern browsers."""
    ascii_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", template.code or "").strip("-.") or "checklist"
    ascii_name = f"{ascii_name}-{template.id}-v{version.number}.yaml"
    return attachment_disposition(ascii_name, f"{template.name}-v{version.number}.yaml")
