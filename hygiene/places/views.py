"""The register pages: one set of list, detail, create, edit and deactivate views per kind."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup, escape

from hygiene.audit.queries import events_for
from hygiene.core.input import db_int
from hygiene.core.web import attempt, current_scope, paginated, show_refusal
from hygiene.extensions import db
from hygiene.places import queries, rules, services
from hygiene.places.forms import FORMS
from hygiene.places.kinds import KINDS

bp = Blueprint("places", __name__, url_prefix="/register")
KIND = "<any(townships,villages,units,households,cleaners):slug>"


KEPT_OPTION_LISTS = 32


@bp.app_template_global()
def village_options(villages, selected: int | None) -> Markup:
    """A list filter's village <option>s, `selected` marked: a county's 500 villages written here
    cost a tenth of what a template loop over them costs, and each list of (id, name) rows is
    written once per process and kept (it was a tenth of the county's order list; bench/dashboard.py)."""
    rows = tuple(villages)
    kept: dict[tuple, str] = current_app.extensions.setdefault("village_options", {})
    options = kept.get(rows)
    if options is None:
        options = "".join(f'<option value="{v.id}">{escape(v.name)}</option>' for v in rows)
        if len(kept) >= KEPT_OPTION_LISTS:
            kept.clear()
        kept[rows] = options
    if selected is not None:
        marked = options.replace(f'<option value="{selected}">', f'<option value="{selected}" selected>', 1)
        if marked == options:   # a deactivated village's id, or none at all: say the filter is on
            marked = (f'<option value="{escape(selected)}" selected>'
                      f'{escape(_("A village not in this list (no. %(id)s)", id=selected))}</option>') + options
        options = marked
    return Markup(options)


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every register page needs a signed-in user."""


@bp.get(f"/{KIND}/")
def record_list(slug: str):
    kind, scope = KINDS[slug], current_scope()
    filters = {
        "q": request.args.get("q", "").strip(),
        "status": request.args.get("status", "active"),
        "township_id": request.args.get("township_id", type=db_int),
        "village_id": request.args.get("village_id", type=db_int),
        "category": request.args.get("category") or None,
    }
    stmt = queries.record_list_stmt(kind=kind, scope=scope, **filters)
    page = paginated(stmt, per_page=20)
    # each column's label and value words translated once for the page, not once a row
    columns = [(c.attr, str(c.label), {k: str(v) for k, v in getattr(rules, c.choices).items()} if c.choices else None)
               for c in kind.columns]
    return render_template(
        "places/list.html", kind=kind, page=page, filters=filters, rules=rules, columns=columns,
        villages=queries.village_choices(scope) if kind.parent == "village" else [],
        townships=queries.visible_townships(scope) if kind.parent == "township" else [],
        can_edit=scope.can_edit_register)


@bp.get(f"/{KIND}/<int:record_id>")
def record_detail(slug: str, record_id: int):
    kind, scope = KINDS[slug], current_scope()
    record = queries.record_get(kind=kind, scope=scope, record_id=record_id)
    return render_template("places/detail.html", kind=kind, record=record, rules=rules,
                           events=events_for(record) if scope.sees_audit_trail else [],
                           can_edit=scope.can_edit_register)


@bp.route(f"/{KIND}/new", methods=["GET", "POST"])
def record_new(slug: str):
    kind, scope = KINDS[slug], current_scope()
    if not scope.can_edit_register:
        abort(403)
    form = FORMS[slug](data=request.args.to_dict() if request.method == "GET" else None)
    form.prepare(scope)
    if form.validate_on_submit():
        record, error = attempt(lambda: services.record_create(
            kind=kind, scope=scope, actor_id=current_user.id,
            data=services.record_input(kind=kind, scope=scope, data=form.data)))
        if error is not None:
            show_refusal(form, error)
        else:
            flash(_("Saved “%(name)s”.", name=str(record)), "success")
            return redirect(url_for(".record_detail", slug=slug, record_id=record.id))
    return render_template("places/form.html", kind=kind, form=form, record=None), _status(form)


@bp.route(f"/{KIND}/<int:record_id>/edit", methods=["GET", "POST"])
def record_edit(slug: str, record_id: int):
    kind, scope = KINDS[slug], current_scope()
    record = queries.record_get(kind=kind, scope=scope, record_id=record_id)
    if not scope.can_edit_register:
        abort(403)
    form = FORMS[slug](obj=record)
    form.prepare(scope)
    if form.validate_on_submit():
        _record, error = attempt(lambda: services.record_update(
            kind=kind, scope=scope, actor_id=current_user.id, record=record,
            data=services.record_input(kind=kind, scope=scope, data=form.data, existing=record)))
        if error is not None:
            show_refusal(form, error)
        else:
            flash(_("Saved “%(name)s”.", name=str(record)), "success")
            return redirect(url_for(".record_detail", slug=slug, record_id=record.id))
    elif request.method == "GET" and kind.parent_attr:
        getattr(form, kind.parent_attr).data = str(getattr(record, kind.parent_attr))
    return render_template("places/form.html", kind=kind, form=form, record=record), _status(form)


@bp.post(f"/{KIND}/<int:record_id>/active")
def record_set_active(slug: str, record_id: int):
    kind, scope = KINDS[slug], current_scope()
    record = queries.record_get(kind=kind, scope=scope, record_id=record_id)
    active = request.form.get("active") == "1"
    services.record_set_active(kind=kind, scope=scope, actor_id=current_user.id,
                               record=record, active=active)
    db.session.commit()
    flash(_("Reactivated “%(name)s”.", name=str(record)) if active
          else _("Deactivated “%(name)s”; it stays in the records.", name=str(record)), "success")
    return redirect(url_for(".record_detail", slug=slug, record_id=record.id))


def _status(form) -> int:
    """422 when a submitted form came back with errors, so scripts and tests can tell."""
    return 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
