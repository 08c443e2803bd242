"""The toilet renovation pages (改厕): household toilets and public toilet projects, each with its
stage history and the one next step. Thin: rules in toilets.services and toilets.acceptance."""
from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from hygiene.audit.queries import events_for
from hygiene.clock import local_today, now_utc
from hygiene.core.schemas import parse_input
from hygiene.core.web import (
    attempt,
    current_scope,
    paginated,
    photo_limits,
    photo_store,
    say_left_out,
    show_refusal,
)
from hygiene.inspections.adhoc import inspector_choices
from hygiene.inspections.models import Inspection
from hygiene.media.reuse import photo_uses
from hygiene.places.importer import ImportFileError, read_table
from hygiene.places.queries import visible_villages
from hygiene.toilets import acceptance, importer, problem_queries, queries, services
from hygiene.toilets import problems as problem_services
from hygiene.toilets.forms import (
    WORK_LABELS,
    AcceptanceRequestForm,
    ExcludeForm,
    ImportConfirmForm,
    ImportForm,
    PlanForm,
    PublicNewForm,
    StepForm,
    ToiletNewForm,
)
from hygiene.toilets.kinds import TOILET_TYPES
from hygiene.toilets.schemas import (
    AcceptanceRequestInput,
    ExcludeInput,
    PlanInput,
    PublicNewInput,
    StepInput,
    ToiletNewInput,
)
from hygiene.toilets.status import PUBLIC_STAGES, ProblemStatus, ToiletStage
from hygiene.toilets.type_names import kind_name

bp = Blueprint("toilets", __name__, url_prefix="/toilets")

FORMS: dict[str, type[StepForm]] = {"plan": PlanForm, "start": StepForm, "complete": StepForm,
                                    "accept_request": AcceptanceRequestForm, "rework": StepForm,
                                    "pay": StepForm, "exclude": ExcludeForm}
INPUTS: dict[str, type[StepInput]] = {"plan": PlanInput, "accept_request": AcceptanceRequestInput,
                                      "exclude": ExcludeInput}


@bp.before_request
@login_required
def _signed_in() -> None:
    """The office and village contacts; a unit contact has no toilets."""
    if not current_scope().sees_toilets:
        abort(403)


@bp.context_processor
def _words() -> dict:
    return {"type_name": services.type_name, "ToiletStage": ToiletStage, "TOILET_TYPES": TOILET_TYPES,
            "WORK_LABELS": WORK_LABELS, "kind_name": kind_name, "ProblemStatus": ProblemStatus}


# --- household toilets ---------------------------------------------------------------------------

@bp.get("/households")
def toilet_list():
    scope = current_scope()
    filters, unread = queries.read_filters(request.args)
    say_left_out(unread)
    page = paginated(queries.toilet_list_stmt(scope=scope, filters=filters), per_page=25)
    return render_template("toilets/toilet_list.html", page=page, filters=filters, stages=list(ToiletStage),
                           villages=visible_villages(scope, active_only=False), years=queries.task_years(scope),
                           may_add=scope.is_admin or scope.village_id is not None)


@bp.route("/households/new", methods=["GET", "POST"])
def toilet_new():
    scope = current_scope()
    if not (scope.is_admin or scope.village_id is not None):
        abort(403)
    form = ToiletNewForm()
    year = local_today().year
    villages = queries.villages_with_task(scope, year)
    if request.method == "GET":
        form.request_key.data = secrets.token_hex(16)
        form.village_id.data = request.args.get("village_id") or (str(villages[0].id) if len(villages) == 1 else "")
    form.year.data = str(year)
    form.village_id.choices = [SelectChoice("", _("Choose a village"))] + [SelectChoice(str(v.id), v.name) for v in villages]
    village_id = next((v.id for v in villages if str(v.id) == (form.village_id.data or "")), None)
    households = queries.households_to_survey(scope, village_id) if village_id else []
    form.household_id.choices = [SelectChoice("", _("Choose a household"))] + [SelectChoice(str(h.id), str(h)) for h in households]
    if form.validate_on_submit():
        toilet, error = attempt(lambda: services.toilet_create(
            scope=scope, actor_id=current_user.id, now=now_utc(), data=parse_input(ToiletNewInput, form.data)))
        if error is None:
            flash(_("%(household)s is on the renovation list.", household=str(toilet.household)), "success")
            return redirect(url_for(".toilet_detail", toilet_id=toilet.id), 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template("toilets/toilet_new.html", form=form, year=year, villages=villages,
                           village_id=village_id), status


@bp.get("/households/<int:toilet_id>")
def toilet_detail(toilet_id: int):
    toilet = queries.toilet_get(scope=current_scope(), toilet_id=toilet_id)
    return _detail(toilet)


@bp.post("/households/<int:toilet_id>/<any(plan,start,complete,accept_request,rework,pay,exclude):move>")
def toilet_step(toilet_id: int, move: str):
    toilet = queries.toilet_get(scope=current_scope(), toilet_id=toilet_id)
    return _step(toilet, move)


# --- public toilet projects ------------------------------------------------------------------------

@bp.get("/public")
def public_list():
    scope = current_scope()
    filters, unread = queries.read_filters(request.args)
    say_left_out(unread)
    page = paginated(queries.public_list_stmt(scope=scope, filters=filters), per_page=25)
    return render_template("toilets/public_list.html", page=page, filters=filters, stages=list(PUBLIC_STAGES),
                           villages=visible_villages(scope, active_only=False), years=queries.task_years(scope),
                           may_add=scope.is_admin)


@bp.route("/public/new", methods=["GET", "POST"])
def public_new():
    scope = current_scope()
    if not scope.is_admin:
        abort(403)
    form = PublicNewForm()
    year = local_today().year
    villages = queries.villages_with_task(scope, year)
    if request.method == "GET":
        form.request_key.data = secrets.token_hex(16)
    form.year.data = str(year)
    form.village_id.choices = [SelectChoice("", _("Choose a village"))] + [SelectChoice(str(v.id), v.name) for v in villages]
    if form.validate_on_submit():
        project, error = attempt(lambda: services.public_create(
            scope=scope, actor_id=current_user.id, now=now_utc(), data=parse_input(PublicNewInput, form.data)))
        if error is None:
            flash(_("Saved “%(name)s”.", name=project.name), "success")
            return redirect(url_for(".public_detail", project_id=project.id), 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template("toilets/public_new.html", form=form, year=year), status


@bp.get("/public/<int:project_id>")
def public_detail(project_id: int):
    return _detail(queries.public_get(scope=current_scope(), project_id=project_id))


@bp.post("/public/<int:project_id>/<any(plan,start,complete,accept_request,rework,exclude):move>")
def public_step(project_id: int, move: str):
    return _step(queries.public_get(scope=current_scope(), project_id=project_id), move)


# --- the shared detail page and its steps -----------------------------------------------------------

def _form(step: str, *, fresh: bool, household: bool, rates: dict[str, str] | None = None) -> StepForm:
    scope = current_scope()
    kind = FORMS[step] if household or step != "plan" else StepForm  # a public toilet has no type to choose
    form = kind(formdata=None) if fresh else kind()
    if fresh:
        form.request_key.data = secrets.token_hex(16)
    if isinstance(form, PlanForm):
        form.prepare(services.type_name, rates)
    if isinstance(form, AcceptanceRequestForm):
        form.inspector_ids.choices = [SelectChoice(str(u.id), u.display_name) for u in inspector_choices(scope)]
        if fresh:
            form.due_on.data = local_today()
    return form


def _detail(record: services.Record, failed: tuple[str, StepForm] | None = None, status: int = 200):
    scope = current_scope()
    household = isinstance(record, services.HouseholdToilet)
    rates = record.task.subsidy_rates or {} if household else None
    forms = {step: (failed[1] if failed and failed[0] == step
                    else _form(step, fresh=True, household=household, rates=rates))
             for step in services.steps_offered(scope, record)}
    if failed and failed[0] not in forms:  # a step of another stage (an old page): say why on top
        for message in [*failed[1].form_errors, *(e for errors in failed[1].errors.values() for e in errors)]:
            flash(str(message), "error")
    entries = queries.history(record)
    photos = [p for entry in entries for p in entry.photos]
    inspection = None
    if record.acceptance_inspection_id:
        inspection = current_scope_inspection(record.acceptance_inspection_id)
    template = "toilets/toilet_detail.html" if household else "toilets/public_detail.html"
    return render_template(template, record=record, forms=forms, history=entries, inspection=inspection,
                           failed_photos=acceptance.failed_photos(inspection)
                           if record.stage == ToiletStage.FAILED else [],
                           subsidy=services.subsidy_amount(record)
                           if isinstance(record, services.HouseholdToilet) else None,
                           uses=photo_uses(photos, scope) if scope.township_wide else {},
                           problems=problem_queries.problems_of(record),
                           may_report=problem_services.accepted(record) and problem_services.may_report(scope, record),
                           events=events_for(record) if scope.sees_audit_trail else []), status


def current_scope_inspection(inspection_id: int) -> Inspection | None:
    """The acceptance inspection, when the reader may open it."""
    import sqlalchemy as sa

    from hygiene.extensions import db

    return db.session.scalar(sa.select(Inspection).where(Inspection.id == inspection_id,
                                                         current_scope().clause(Inspection)))


def _step(record: services.Record, step: str):
    scope = current_scope()
    services.step_check(scope, record, step)
    household = isinstance(record, services.HouseholdToilet)
    form = _form(step, fresh=False, household=household,
                 rates=record.task.subsidy_rates or {} if household else None)
    if form.validate_on_submit():
        _done, error = attempt(lambda: _run(step, scope, record, form))
        if error is None:
            flash(_("Saved."), "success")
            if step == "plan" and isinstance(record, services.HouseholdToilet) and \
                    services.subsidy_amount(record) is None:
                flash(_("This task sets no subsidy rate for this type: it cannot be paid until the office adds one."),
                      "error")
            return redirect(request.path.rsplit("/", 1)[0], 303)
        show_refusal(form, error)
    return _detail(record, failed=(step, form), status=422)


def _photos(buried: bool) -> services.Photos:
    def read(name: str) -> list[tuple[str, bytes]]:
        return [(f.filename, f.read()) for f in request.files.getlist(name) if f and f.filename]
    return services.Photos(store=photo_store(), limits=photo_limits(), stage=read("photos"),
                           buried=read("buried_photos") if buried else [])


def _run(step: str, scope, record, form: StepForm) -> Any:
    data = parse_input(INPUTS.get(step, StepInput) if isinstance(form, FORMS[step]) else StepInput, form.data)
    common = {"scope": scope, "actor_id": current_user.id, "now": now_utc(), "data": data}
    runs: dict[str, Callable[[], Any]] = {
        "plan": lambda: services.toilet_plan(**common, record=record),
        "start": lambda: services.toilet_start(**common, record=record, photos=_photos(False)),
        "complete": lambda: services.toilet_complete(**common, record=record, photos=_photos(True)),
        "rework": lambda: services.toilet_rework(**common, record=record),
        "exclude": lambda: services.toilet_exclude(**common, record=record),
        "pay": lambda: services.subsidy_pay(**common, toilet=record),
        "accept_request": lambda: acceptance.acceptance_request(**common, toilet=record),
    }
    return runs[step]()


# --- importing surveyed households -------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
def survey_import():
    """Upload a list of surveyed households, see every row checked; a clean file can be saved."""
    scope = current_scope()
    if not (scope.is_admin and scope.township_id is not None):
        abort(403)
    form, year = ImportForm(), local_today().year
    if not form.validate_on_submit():
        return render_template("toilets/import.html", form=form, year=year, columns=importer.COLUMNS), \
            422 if request.method == "POST" else 200
    try:
        table = read_table(form.file.data.filename or "", form.file.data.read(),
                           max_rows=current_app.config["IMPORT_MAX_ROWS"])
        plan = importer.survey_plan(scope=scope, table=table, year=year, today=local_today())
    except ImportFileError as error:
        form.file.errors = [*form.file.errors, error.message]
        return render_template("toilets/import.html", form=form, year=year, columns=importer.COLUMNS), 422
    confirm = ImportConfirmForm(formdata=None, data={"rows": json.dumps(plan.checked()),
                                                     "request_key": secrets.token_hex(16)})
    return render_template("toilets/import_preview.html", plan=plan, form=confirm), 200 if plan.ok else 422


@bp.post("/import/confirm")
def survey_import_confirm():
    scope = current_scope()
    if not (scope.is_admin and scope.township_id is not None):
        abort(403)
    form = ImportConfirmForm()
    try:
        rows = json.loads(form.rows.data or "") if form.validate_on_submit() else None
    except ValueError:
        rows = None
    count, error = attempt(lambda: importer.survey_apply(
        scope=scope, actor_id=current_user.id, rows=rows, year=local_today().year, now=now_utc(),
        key=(form.request_key.data or secrets.token_hex(16))[:40]))
    if error is not None:
        flash(error.message, "error")
        return render_template("toilets/import.html", form=ImportForm(formdata=None), year=local_today().year,
                               columns=importer.COLUMNS), 422
    flash(_("%(n)d households are on the renovation list.", n=count), "success")
    return redirect(url_for(".toilet_list"), 303)
