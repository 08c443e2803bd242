"""The creation pages: the office's board and targets, the applications and titles list, an
application's page with the one next step, and applying. Thin: rules in creation.services."""
from __future__ import annotations

import secrets
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from wtforms import SelectChoice

from hygiene.clock import local_today, now_utc
from hygiene.core.input import optional_int
from hygiene.core.schemas import parse_input
from hygiene.core.web import (
    attempt,
    current_scope,
    paginated,
    require_admin,
    say_done,
    say_left_out,
    show_refusal,
)
from hygiene.creation import queries, review, selfassess, services
from hygiene.creation.forms import (
    ApplyForm,
    NameForm,
    RereviewForm,
    ReviewRequestForm,
    RewardForm,
    SelfAssessForm,
    StepForm,
    TargetsForm,
)
from hygiene.creation.kinds import KINDS, pairs
from hygiene.creation.schemas import (
    FIRST_YEAR,
    LAST_YEAR,
    ApplyInput,
    ReviewRequestInput,
    RewardInput,
    SelfAssessInput,
    StepInput,
    target_field,
    targets_input,
)
from hygiene.creation.status import HELD, CreationStatus
from hygiene.creation.words import kind_name, title_name
from hygiene.errors import InvalidFields
from hygiene.inspections.adhoc import inspector_choices

bp = Blueprint("creation", __name__, url_prefix="/creation")
STEPS = {"submit": (services.submit, StepForm), "name": (services.name, NameForm),
         "reject": (services.reject, StepForm), "rereview": (services.rereview, RereviewForm)}


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every signed-in role: the office, and contacts for their own village or unit."""


@bp.context_processor
def _words() -> dict:
    return {"title_name": title_name, "kind_name": kind_name, "status_label": CreationStatus.label_of,
            "CreationStatus": CreationStatus}


def year_asked() -> int:
    """?year= (or the posted form's), else this year; an unreadable year is left out, and said."""
    text = request.values.get("year") or ""
    year = optional_int(text)
    if year is not None and FIRST_YEAR <= year <= LAST_YEAR:
        return year
    say_left_out(["year"] if text.strip() else [])
    return local_today().year


@bp.get("/")
def board():
    scope = current_scope()
    if not scope.township_wide:
        return redirect(url_for(".application_list"))
    year = year_asked()
    return render_template("creation/board.html", year=year, rows=queries.board(scope=scope, year=year),
                           can_set=scope.is_admin and scope.township_id is not None)


@bp.route("/targets/<int:year>", methods=["GET", "POST"])
def targets(year: int):
    scope = require_admin()
    if not FIRST_YEAR <= year <= LAST_YEAR or scope.township_id is None:
        abort(404)
    form = TargetsForm()
    values: dict[str, object] = {}
    if request.method == "GET":
        form.request_key.data = secrets.token_hex(16)
        values = {target_field(r.kind, r.level, "target"): r.target for r in queries.board(scope=scope, year=year)}
        values |= {target_field(r.kind, r.level, "reward"): r.reward for r in queries.board(scope=scope, year=year)
                   if r.reward is not None}
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        values = dict(request.form.to_dict())
        _saved, error = attempt(lambda: services.targets_save(
            scope=scope, actor_id=current_user.id, township_id=scope.township_id or 0, now=now_utc(),
            data=targets_input(request.form.to_dict() | {"year": year})))
        if error is None:
            say_done(_("The creation targets of %(year)d are saved.", year=year))
            return redirect(url_for(".board", year=year), 303)
        errors = getattr(error, "errors", {}) or {"": error.message}
    status = 422 if request.method == "POST" else 200
    return render_template("creation/targets.html", form=form, year=year, pairs=pairs(), values=values,
                           errors=errors, field=target_field), status


@bp.get("/applications")
def application_list():
    scope = current_scope()
    status = request.args.get("status") or None
    kind = request.args.get("kind") or None
    unread = [n for n, v, ok in (("status", status, CreationStatus.known(status)), ("kind", kind, kind in KINDS))
              if v is not None and not ok]
    say_left_out(unread)
    year = optional_int(request.args.get("year") or "")
    page = paginated(queries.applications(
        scope=scope, year=year if year is not None and FIRST_YEAR <= year <= LAST_YEAR else None,
        status=None if "status" in unread else status, kind=None if "kind" in unread else kind))
    return render_template("creation/applications.html", page=page, statuses=list(CreationStatus),
                           kinds=KINDS, can_apply=services.may_apply(scope), chosen={
                               "status": status, "kind": kind, "year": request.args.get("year") or ""})


@bp.route("/applications/new", methods=["GET", "POST"])
def application_new():
    scope = current_scope()
    if not services.may_apply(scope):
        abort(403)
    form = ApplyForm()
    form.applicant.choices = [SelectChoice(value, label) for value, label in queries.applicant_choices(scope)]
    form.title.choices = [SelectChoice(f"{k.key}:{lv.key}", title_name(k.key, lv.key)) for k, lv in pairs()]
    if request.method == "GET":
        form.request_key.data = secrets.token_hex(16)
        form.year.data, form.applied_on.data = str(local_today().year), local_today().isoformat()
    if form.validate_on_submit():
        kind, _sep, level = (form.title.data or "").partition(":")
        made, error = attempt(lambda: services.application_create(
            scope=scope, actor_id=current_user.id, now=now_utc(),
            data=parse_input(ApplyInput, form.data | {"kind": kind, "level": level})))
        if error is None:
            say_done(_("The application is made. Next: the self-assessment."))
            return redirect(url_for(".application_detail", application_id=made.id), 303)
        if isinstance(error, InvalidFields):  # the form asks kind and level as one choice: its title
            error = InvalidFields(_title_errors(error.errors))
        show_refusal(form, error)
    status = 422 if request.method == "POST" else 200
    return render_template("creation/apply.html", form=form), status


def _title_errors(errors: dict[str, str]) -> dict[str, str]:
    moved = {name: message for name, message in errors.items() if name not in ("kind", "level")}
    if (message := errors.get("kind") or errors.get("level")) is not None:
        moved.setdefault("title", message)
    return moved


def _forms(scope, application) -> dict:
    """The step forms the application's page offers the reader, each with a fresh key."""
    today = local_today().isoformat()
    forms: dict = {}
    status = application.status
    if scope.is_admin and scope.covers_township(application.township_id):
        if status == CreationStatus.APPLIED and application.self_inspection_id is None:
            forms["self_assess"] = SelfAssessForm(formdata=None, happened_on=today)
        if status == CreationStatus.SELF_ASSESSED and application.review_inspection_id is None:
            form = ReviewRequestForm(formdata=None, planned_on=today,
                                     due_on=(local_today() + timedelta(days=14)).isoformat())
            forms["review"] = form
        if status == CreationStatus.REVIEWED:
            forms["submit"] = StepForm(formdata=None, happened_on=today)
        if status == CreationStatus.SUBMITTED:
            forms["name"] = NameForm(formdata=None, happened_on=today, accepted_on=today)
        if status in (CreationStatus.APPLIED, CreationStatus.SELF_ASSESSED, CreationStatus.REVIEWED,
                      CreationStatus.SUBMITTED):
            forms["reject"] = StepForm(formdata=None, happened_on=today)
        if status in HELD:
            forms["rereview"] = RereviewForm(formdata=None, happened_on=today)
            if application.reward_paid_on is None:
                forms["reward"] = RewardForm(formdata=None, paid_on=today, amount=str(services.reward_of(
                    township_id=application.township_id, year=(application.named_on or local_today()).year,
                    kind=application.kind, level=application.level)))
    for form in forms.values():
        form.request_key.data = secrets.token_hex(16)
    if "review" in forms:
        forms["review"].inspector_ids.choices = [SelectChoice(str(u.id), u.display_name) for u in inspector_choices(scope)]
    return forms


def _detail(scope, application, forms: dict | None = None, status: int = 200):
    shown = _forms(scope, application) | (forms or {})
    return render_template("creation/detail.html", application=application, forms=shown,
                           review=application.review_inspection_id,
                           start_self=_may_start_self(scope, application)), status


def _may_start_self(scope, application) -> bool:
    """The applicant's contact starts (or goes back to) the self-assessment while it is due."""
    return application.status == CreationStatus.APPLIED and selfassess.is_own_contact(scope, application)


@bp.get("/applications/<int:application_id>")
def application_detail(application_id: int):
    scope = current_scope()
    return _detail(scope, services.application_get(scope=scope, application_id=application_id))


def _posted(application_id: int, form, run, done: str):
    """Run one posted step: done and back to the page, or the page again with the refusal (422)."""
    scope = current_scope()
    application = services.application_get(scope=scope, application_id=application_id)
    if not form.validate_on_submit():
        abort(400)
    _result, error = attempt(lambda: run(scope, application))
    if error is None:
        say_done(done)
        return redirect(url_for(".application_detail", application_id=application_id), 303)
    show_refusal(form, error)
    return _detail(scope, services.application_get(scope=scope, application_id=application_id),
                   {form._key: form}, 422)


def _office_step(application_id: int) -> None:
    """The office's steps: 404 outside the scope, 403 for anyone but the township's admins."""
    scope = current_scope()
    application = services.application_get(scope=scope, application_id=application_id)
    if not (scope.is_admin and scope.covers_township(application.township_id)):
        abort(403)


@bp.post("/applications/<int:application_id>/self-assess")
def self_assess(application_id: int):
    form = SelfAssessForm()
    form._key = "self_assess"
    return _posted(application_id, form, lambda scope, app: services.self_assess(
        scope=scope, actor_id=current_user.id, application=app, now=now_utc(),
        data=parse_input(SelfAssessInput, form.data)), _("The self-assessment is recorded."))


@bp.post("/applications/<int:application_id>/self-assessment")
def self_assessment_start(application_id: int):
    scope = current_scope()
    application = services.application_get(scope=scope, application_id=application_id)
    inspection, error = attempt(lambda: selfassess.self_assessment_start(
        scope=scope, user=current_user, application=application, now=now_utc()))
    if error is not None:
        flash(error.message, "error")
        return redirect(url_for(".application_detail", application_id=application_id), 303)
    return redirect(url_for("inspections.fill", inspection_id=inspection.id), 303)


@bp.post("/applications/<int:application_id>/review")
def review_request(application_id: int):
    _office_step(application_id)
    form = ReviewRequestForm()
    form._key = "review"
    form.inspector_ids.choices = [SelectChoice(str(u.id), u.display_name) for u in inspector_choices(current_scope())]
    return _posted(application_id, form, lambda scope, app: review.review_request(
        scope=scope, actor_id=current_user.id, application=app, now=now_utc(),
        data=parse_input(ReviewRequestInput, form.data)),
        _("The township review is asked for: the inspectors fill it in, the office publishes it."))


@bp.post("/applications/<int:application_id>/step/<step>")
def step(application_id: int, step: str):
    if step not in STEPS:
        abort(404)
    _office_step(application_id)
    service, form_class = STEPS[step]
    form = form_class()
    form._key = step
    return _posted(application_id, form, lambda scope, app: service(
        scope=scope, actor_id=current_user.id, application=app, now=now_utc(),
        data=parse_input(StepInput, form.data)), _("Recorded."))


@bp.post("/applications/<int:application_id>/reward")
def reward(application_id: int):
    _office_step(application_id)
    form = RewardForm()
    form._key = "reward"
    return _posted(application_id, form, lambda scope, app: services.reward_pay(
        scope=scope, actor_id=current_user.id, application=app, now=now_utc(),
        data=parse_input(RewardInput, form.data)), _("The reward payment is recorded."))
