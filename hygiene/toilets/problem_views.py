"""The follow-up pages (回头看): problems found on accepted toilets, and the yearly sample. Thin:
rules in toilets.problems and toilets.sample."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.audit.queries import events_for
from hygiene.clock import now_utc
from hygiene.core.input import optional_int
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
from hygiene.places.queries import visible_townships, visible_villages
from hygiene.toilets import problem_queries as pq
from hygiene.toilets import problems, queries, sample
from hygiene.toilets.kinds import PROBLEM_KINDS
from hygiene.toilets.models import HouseholdToilet
from hygiene.toilets.problem_forms import (
    CheckForm,
    ProblemFixForm,
    ProblemNewForm,
    ProblemStepForm,
    SampleDrawForm,
)
from hygiene.toilets.problem_schemas import CheckInput, ProblemFixInput, ProblemNewInput, ProblemStepInput
from hygiene.toilets.services import Photos, type_name
from hygiene.toilets.status import ProblemStatus, ToiletStage
from hygiene.toilets.task_views import year_asked
from hygiene.toilets.type_names import category_name, kind_name

bp = Blueprint("toilet_problems", __name__, url_prefix="/toilets")


@bp.before_request
@login_required
def _signed_in() -> None:
    if not current_scope().sees_toilets:
        abort(403)


@bp.context_processor
def _words() -> dict:
    return {"kind_name": kind_name, "category_name": category_name, "ProblemStatus": ProblemStatus,
            "PROBLEM_KINDS": PROBLEM_KINDS, "type_name": type_name,
            "ToiletStage": ToiletStage}


def _photos() -> Photos:
    return Photos(store=photo_store(), limits=photo_limits(),
                  stage=[(f.filename, f.read()) for f in request.files.getlist("photos") if f and f.filename])


# --- problems --------------------------------------------------------------------------------------

@bp.get("/problems")
def problem_list():
    scope = current_scope()
    filters, unread = pq.read_filters(request.args)
    say_left_out(unread)
    page = paginated(pq.problem_list_stmt(scope=scope, filters=filters), per_page=25)
    return render_template("toilets/problem_list.html", page=page, filters=filters, statuses=list(ProblemStatus),
                           names=pq.names_of(page.items),
                           villages=visible_villages(scope, active_only=False))


def _record_asked():
    """The toilet or project named in the address (?toilet_id= or ?public_id=), in scope, or 404."""
    scope = current_scope()
    toilet_id = optional_int(request.values.get("toilet_id", ""))
    public_id = optional_int(request.values.get("public_toilet_id", ""))
    if toilet_id is not None:
        return queries.toilet_get(scope=scope, toilet_id=toilet_id)
    if public_id is not None:
        return queries.public_get(scope=scope, project_id=public_id)
    abort(404)


@bp.route("/problems/new", methods=["GET", "POST"])
def problem_new():
    scope = current_scope()
    record = _record_asked()
    drawn = sample.sample_get(scope=scope, sample_id=sid) if (sid := optional_int(
        request.values.get("sample_id", ""))) is not None else None
    if drawn is not None and not (isinstance(record, HouseholdToilet) and record.id in drawn.chosen):
        abort(404)  # a sample's link for a toilet it did not draw is no page (it would say the sample found it)
    form = ProblemNewForm()
    form.prepare([(key, kind_name(key)) for key in PROBLEM_KINDS])
    if request.method == "GET":
        form.request_key.data = secrets.token_hex(16)
    if form.validate_on_submit():
        data = {**form.data, "toilet_id": None, "public_toilet_id": None, "sample_id": None}
        problem, error = attempt(lambda: problems.problem_report(
            scope=scope, actor_id=current_user.id, record=record, data=parse_input(ProblemNewInput, data),
            photos=_photos(), now=now_utc(), **_from_sample(drawn, record)))
        if error is None:
            flash(_("The problem is recorded."), "success")
            return redirect(url_for(".problem_detail", problem_id=problem.id), 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template("toilets/problem_new.html", form=form, record=record, drawn=drawn,
                           may=problems.may_report(scope, record) and problems.accepted(record)), status


def _from_sample(drawn, record) -> dict:
    if drawn is None:
        return {}
    sample.chosen_toilet(drawn, record.id if isinstance(record, HouseholdToilet) else None)
    return {"source": problems.FOLLOW_UP, "sample_id": drawn.id}


@bp.get("/problems/<int:problem_id>")
def problem_detail(problem_id: int):
    return _detail(pq.problem_get(scope=current_scope(), problem_id=problem_id))


FORMS = {"take_up": ProblemStepForm, "fix": ProblemFixForm, "reopen": ProblemStepForm}


def _detail(problem, failed=None, status: int = 200):
    scope = current_scope()
    forms = {}
    for step in problems.steps_offered(scope, problem):
        if failed and failed[0] == step:
            forms[step] = failed[1]
        else:
            forms[step] = FORMS[step](formdata=None)
            forms[step].request_key.data = secrets.token_hex(16)
    photos, past_photos = pq.photos_by_fix(problem)
    return render_template("toilets/problem_detail.html", problem=problem, record=problems.record_of(problem),
                           forms=forms, photos=photos, past_photos=past_photos,
                           events=events_for(problem) if scope.sees_audit_trail else []), status


@bp.post("/problems/<int:problem_id>/<any(take_up,fix,reopen):action>")
def problem_step(problem_id: int, action: str):
    scope = current_scope()
    problem = pq.problem_get(scope=scope, problem_id=problem_id)
    form = FORMS[action]()
    if form.validate_on_submit():
        common = {"scope": scope, "actor_id": current_user.id, "problem": problem, "now": now_utc()}
        runs = {
            "take_up": lambda: problems.problem_take_up(**common, data=parse_input(ProblemStepInput, form.data)),
            "fix": lambda: problems.problem_fix(**common, data=parse_input(ProblemFixInput, form.data),
                                                record=problems.record_of(problem), photos=_photos()),
            "reopen": lambda: problems.problem_reopen(**common, data=parse_input(ProblemStepInput, form.data)),
        }
        _done, error = attempt(runs[action])
        if error is None:
            flash(_("Saved."), "success")
            return redirect(url_for(".problem_detail", problem_id=problem.id), 303)
        show_refusal(form, error)
    return _detail(problem, failed=(action, form), status=422)


# --- the yearly sample ------------------------------------------------------------------------------

@bp.route("/sample", methods=["GET", "POST"])
def sample_page():
    """The year's sample: drawn (its toilets and their checks) or the form that draws it."""
    scope = current_scope()
    if not scope.township_wide or (request.method == "POST" and not scope.is_admin):
        abort(403)  # the office draws; its inspectors read the sample
    year, form, township_id = year_asked(), SampleDrawForm(), _township_id()
    if request.method == "POST" and sample.sample_for(scope=scope, year=year, township_id=township_id) is not None:
        flash(_("This year's sample was drawn already; here it is."), "info")
        return redirect(url_for(".sample_page", year=year, **_township_arg(township_id)), 303)
    if form.validate_on_submit():
        made, error = attempt(lambda: sample.sample_draw(scope=scope, actor_id=current_user.id, year=year,
                                                         size=form.size.data or "", now=now_utc()))
        if error is None:
            flash(_("The sample is drawn."), "success")
            return redirect(url_for(".sample_page", year=made.year), 303)
        show_refusal(form, error)
    return _sample(year, form, 422 if request.method == "POST" else 200, township_id)


def _township_id() -> int | None:
    """The reader's township; a county admin chooses one with ?township_id= (else the first)."""
    scope = current_scope()
    if scope.township_id is not None:
        return scope.township_id
    ids = [t.id for t in visible_townships(scope)]
    raw = request.args.get("township_id", "")
    if not raw:
        return ids[0] if ids else None
    wanted = optional_int(raw)
    if wanted not in ids:
        abort(404)  # no such township, or an unreadable id
    return wanted


def _township_arg(township_id: int | None) -> dict:
    """What links back to the sample carry: the township, for a county admin only."""
    return {"township_id": township_id} if current_scope().is_county_admin and township_id else {}


def _sample(year: int, form: SampleDrawForm, status: int, township_id: int | None = None):
    scope = current_scope()
    township_id = township_id or scope.township_id
    drawn = sample.sample_for(scope=scope, year=year, township_id=township_id)
    check = CheckForm(formdata=None)
    check.request_key.data = secrets.token_hex(16)
    return render_template("toilets/sample.html", year=year, drawn=drawn, form=form, check=check,
                           rows=sample.sampled(drawn) if drawn else [],
                           townships=visible_townships(scope) if scope.is_county_admin else [],
                           township_id=township_id,
                           population=len(sample.population(township_id, year))
                           if drawn is None and township_id else 0,
                           redrawn=sample.sample_reproduce(drawn.seed, drawn.population, len(drawn.chosen))
                           if drawn else None), status


@bp.post("/sample/<int:sample_id>/check")
def sample_check(sample_id: int):
    scope = current_scope()
    drawn = sample.sample_get(scope=scope, sample_id=sample_id)
    form = CheckForm()
    if form.validate_on_submit():
        _done, error = attempt(lambda: sample.sample_check_fine(
            scope=scope, actor_id=current_user.id, sample=drawn, data=parse_input(CheckInput, form.data),
            now=now_utc()))
        if error is None:
            flash(_("The check is recorded."), "success")
            return redirect(url_for(".sample_page", year=drawn.year, **_township_arg(drawn.township_id)), 303)
        show_refusal(form, error)
    for message in [*form.form_errors, *(e for errors in form.errors.values() for e in errors)]:
        flash(str(message), "error")
    return _sample(drawn.year, SampleDrawForm(formdata=None), 422, drawn.township_id)
