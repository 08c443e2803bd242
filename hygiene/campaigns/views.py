"""The campaign pages: the list (the office's campaigns, a contact's tasks), a campaign with its
board, making one (from a calendar event or on its own), adding tasks, closing. Thin: rules in
services.py, reads in queries.py. The calendar is in calendar_views.py, a task's page in task_views.py."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.campaigns import queries, services
from hygiene.campaigns.forms import CampaignForm, TaskFields
from hygiene.campaigns.schemas import CampaignInput, CampaignInvalid, TasksInput
from hygiene.campaigns.status import CampaignStatus, TaskStatus
from hygiene.campaigns.yearly import FIRST_YEAR, LAST_YEAR
from hygiene.clock import local_today, now_utc
from hygiene.core.confirm import confirm_page, confirmed
from hygiene.core.input import optional_int
from hygiene.core.schemas import parse_input
from hygiene.core.web import (
    FilterReader,
    attempt,
    current_scope,
    form_step,
    paginated,
    say_done,
    say_left_out,
    show_refusal,
)
from hygiene.errors import InvalidFields

bp = Blueprint("campaigns", __name__, url_prefix="/campaigns")


@bp.before_request
@login_required
def _signed_in() -> None:
    """A signed-in user; what they may read is the records' scope rule (404 outside it)."""


@bp.context_processor
def _words() -> dict:
    return {"CampaignStatus": CampaignStatus, "TaskStatus": TaskStatus, "today": local_today()}


def read_year(raw: str) -> int | None:
    year = optional_int(raw)
    return year if year is not None and FIRST_YEAR <= year <= LAST_YEAR else None


@bp.get("/")
def campaign_list():
    scope = current_scope()
    filters = FilterReader(request.args)
    year = filters.pick("year", read_year)
    say_left_out(filters.unread)
    today = local_today()
    if scope.township_wide:
        page = paginated(queries.campaign_list(scope=scope, year=year))
        progress = queries.progress_of_campaigns(scope=scope, campaign_ids=[c.id for c in page.items], today=today)
        rows = [(campaign, progress[campaign.id]) for campaign in page.items]
        return render_template("campaigns/list.html", page=page, rows=rows, year=year)
    state = filters.pick("state", lambda raw: raw if raw in queries.STATES else None)
    page = paginated(queries.task_list(scope=scope, today=today, state=state))
    return render_template("campaigns/my_tasks.html", page=page, state=state)


@bp.get("/<int:campaign_id>")
def campaign_detail(campaign_id: int):
    scope = current_scope()
    campaign = queries.campaign_get(scope=scope, campaign_id=campaign_id)
    rows = queries.board(scope=scope, campaign=campaign, today=local_today())
    return render_template("campaigns/detail.html", campaign=campaign, rows=rows, total=queries.board_total(rows),
                           plans=scope.is_admin and scope.township_id is not None)


@bp.get("/<int:campaign_id>/tasks")
def campaign_tasks(campaign_id: int):
    scope = current_scope()
    campaign = queries.campaign_get(scope=scope, campaign_id=campaign_id)
    filters = FilterReader(request.args)
    state = filters.pick("state", lambda raw: raw if raw in queries.STATES else None)
    place = filters.pick("place", lambda raw: raw if _place_key(raw) else None)
    say_left_out(filters.unread)
    page = paginated(queries.task_list(scope=scope, today=local_today(), campaign_id=campaign.id, state=state,
                                       place_key=place), per_page=50)
    return render_template("campaigns/tasks.html", campaign=campaign, page=page, state=state, place=place)


def _place_key(raw: str) -> bool:
    kind, _sep, number = raw.partition(":")
    return kind in ("village", "unit") and optional_int(number) is not None


def _choices(form: TaskFields) -> None:
    villages, units = queries.choices(current_scope().township_id)
    form.prepare(villages, units)


@bp.route("/new", methods=["GET", "POST"])
def campaign_new():
    scope = current_scope()
    if not scope.is_admin or scope.township_id is None:
        abort(403)
    event = None
    if (event_id := optional_int(request.args.get("event_id", ""))) is not None:
        event = queries.event_get(scope=scope, event_id=event_id)
    form = CampaignForm(data=None if request.method == "POST" else _campaign_defaults(event))
    _choices(form)
    if form.validate_on_submit():
        saved, error = attempt(lambda: services.campaign_create(
            scope=scope, actor_id=current_user.id, now=now_utc(), **_campaign_input(form)))
        if error is None:
            say_done(_("The campaign is under way; its villages and units see their tasks."))
            return redirect(url_for(".campaign_detail", campaign_id=saved.id), 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template("campaigns/new.html", form=form, event=event), status


def _campaign_input(form: CampaignForm) -> dict:
    """Both halves checked at once, so the form names every problem."""
    errors: dict[str, str] = {}
    data = tasks = None
    try:
        data = parse_input(CampaignInput, form.data, invalid=CampaignInvalid)
    except InvalidFields as invalid:
        errors |= invalid.errors
    if "event_id" in errors:  # a hidden field: said on top of the form
        errors["event"] = _("The calendar event was not found; start from the calendar again.")
        del errors["event_id"]
    try:
        tasks = parse_input(TasksInput, form.task_data(), invalid=CampaignInvalid)
    except InvalidFields as invalid:
        errors |= invalid.errors
    if errors or data is None or tasks is None:
        raise CampaignInvalid(errors)
    return {"data": data, "tasks": tasks}


def _campaign_defaults(event) -> dict:
    defaults: dict = {"request_key": secrets.token_hex(16), "all_villages": True}
    if event is not None:
        defaults |= {"name": event.name, "starts_on": event.starts_on.isoformat(), "ends_on": event.ends_on.isoformat(),
                     "due_on": event.ends_on.isoformat(), "event_id": str(event.id),
                     "title": _("Big clean-up (大扫除)")}
    return defaults


@bp.route("/<int:campaign_id>/tasks/new", methods=["GET", "POST"])
def tasks_new(campaign_id: int):
    scope = current_scope()
    campaign = queries.campaign_get(scope=scope, campaign_id=campaign_id)
    if not scope.is_admin or scope.township_id is None:
        abort(403)
    form = TaskFields(data=None if request.method == "POST" else {"due_on": campaign.ends_on.isoformat()})
    _choices(form)
    if form.validate_on_submit():
        added, error = attempt(lambda: services.tasks_add(
            scope=scope, actor_id=current_user.id, campaign=campaign, now=now_utc(),
            data=parse_input(TasksInput, form.task_data(), invalid=CampaignInvalid)))
        if error is None:
            say_done(_("%(n)d tasks added.", n=added) if added else _("Every place chosen has this task already."))
            return redirect(url_for(".campaign_detail", campaign_id=campaign.id), 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template("campaigns/tasks_new.html", form=form, campaign=campaign), status


MOVE_DONE = {"close": lambda: _("The campaign is closed."), "reopen": lambda: _("The campaign is under way again."),
             "cancel": lambda: _("The campaign is cancelled.")}


@bp.post("/<int:campaign_id>/close")
def campaign_close(campaign_id: int):
    return _move(campaign_id, "close")


@bp.post("/<int:campaign_id>/reopen")
def campaign_reopen(campaign_id: int):
    return _move(campaign_id, "reopen")


@bp.route("/<int:campaign_id>/cancel", methods=["GET", "POST"])
def campaign_cancel(campaign_id: int):
    """Cancelling asks first: its villages' and units' tasks go with it."""
    if not confirmed():
        campaign = queries.campaign_get(scope=current_scope(), campaign_id=campaign_id)
        services.require_planner(current_scope())
        return confirm_page(title=_("Cancel the campaign “%(name)s”?", name=campaign.name),
                            text=_("Its villages and units no longer see their tasks, and no reminders go out. "
                                   "A cancelled campaign cannot be reopened."),
                            button=_("Yes, cancel the campaign"),
                            back=url_for(".campaign_detail", campaign_id=campaign.id))
    return _move(campaign_id, "cancel")


def _move(campaign_id: int, move: str):
    scope = current_scope()
    campaign = queries.campaign_get(scope=scope, campaign_id=campaign_id)
    back = url_for(".campaign_detail", campaign_id=campaign.id)
    return form_step(lambda: services.campaign_move(scope=scope, actor_id=current_user.id, campaign=campaign,
                                                    move=move, now=now_utc()),
                     done=MOVE_DONE[move](), back=back)
