"""A campaign task's page: what is asked, by when, how it was done (note, photos); its contact
completes it there (on a phone), the office reopens it. Thin: rules in tasks.py."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.campaigns import queries, tasks
from hygiene.campaigns.forms import CompleteForm, ReopenForm
from hygiene.campaigns.schemas import CampaignInvalid, CompleteInput, ReopenInput
from hygiene.campaigns.status import TaskStatus
from hygiene.clock import local_today, now_utc
from hygiene.core.schemas import parse_input
from hygiene.core.web import (
    apply_errors,
    attempt,
    current_scope,
    photo_limits,
    photo_store,
    say_done,
    show_refusal,
)
from hygiene.errors import InvalidFields
from hygiene.media.intake import PhotoRejected

bp = Blueprint("campaign_tasks", __name__, url_prefix="/campaigns/tasks")


@bp.before_request
@login_required
def _signed_in() -> None:
    """A signed-in user; the task's scope rule decides what they read (404 outside it)."""


def _page(task, complete: CompleteForm | None = None, reopen: ReopenForm | None = None, status: int = 200):
    scope = current_scope()
    campaign = task.campaign
    today = local_today()
    completes = (tasks.may_complete(scope, task) and campaign.is_active and task.status == TaskStatus.OPEN
                 and not campaign.not_started(today))
    reopens = tasks.may_reopen(scope, task) and campaign.is_active and task.status == TaskStatus.DONE
    if completes and complete is None:
        complete = CompleteForm(data={"done_on": local_today().isoformat(), "request_key": secrets.token_hex(16)})
    return render_template("campaigns/task.html", task=task, campaign=campaign, photos=queries.task_photos(task),
                           earlier_photos=queries.earlier_photos(task),
                           complete=complete if completes else None, reopen=(reopen or ReopenForm()) if reopens else None,
                           today=today, TaskStatus=TaskStatus,
                           opens_on=campaign.starts_on if campaign.not_started(today) and task.status == TaskStatus.OPEN
                           and tasks.may_complete(scope, task) else None), status


@bp.get("/<int:campaign_task_id>")
def task_page(campaign_task_id: int):
    return _page(queries.task_get(scope=current_scope(), task_id=campaign_task_id))


@bp.post("/<int:campaign_task_id>/complete")
def task_complete(campaign_task_id: int):
    scope = current_scope()
    task = queries.task_get(scope=scope, task_id=campaign_task_id)
    form = CompleteForm()
    if form.validate_on_submit():
        done, error = attempt(lambda: tasks.task_complete(
            scope=scope, user_id=current_user.id, task=task, campaign=task.campaign, now=now_utc(),
            data=parse_input(CompleteInput, form.data, invalid=CampaignInvalid),
            photos=[(f.filename, f.read()) for f in request.files.getlist("photos") if f and f.filename],
            store=photo_store(), limits=photo_limits()))
        if error is None:
            say_done(_("The task is done.") if done else _("This form was already sent; the task is done."))
            return redirect(url_for(".task_page", campaign_task_id=task.id), 303)
        if not isinstance(error, (InvalidFields, PhotoRejected)):  # done already, campaign closed: say so
            flash(error.message, "error")
            return redirect(url_for(".task_page", campaign_task_id=task.id), 303)
        apply_errors(form, error.errors if isinstance(error, InvalidFields) else {"photos": error.message})
    if not tasks.may_complete(scope, task):
        abort(403)
    return _page(task, complete=form, status=422)


@bp.post("/<int:campaign_task_id>/reopen")
def task_reopen(campaign_task_id: int):
    scope = current_scope()
    task = queries.task_get(scope=scope, task_id=campaign_task_id)
    form = ReopenForm()
    if form.validate_on_submit():
        moved, error = attempt(lambda: tasks.task_reopen(
            scope=scope, user_id=current_user.id, task=task, now=now_utc(),
            data=parse_input(ReopenInput, form.data, invalid=CampaignInvalid)))
        if error is None:
            say_done(_("The task is open again; its village or unit sees why.") if moved
                     else _("This task is open already."))
            return redirect(url_for(".task_page", campaign_task_id=task.id), 303)
        show_refusal(form, error)
    if not tasks.may_reopen(scope, task):
        abort(403)
    return _page(task, reopen=form, status=422)
