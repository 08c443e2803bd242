"""The year's tasks (the office sets them) and the progress boards (the office reads the
township's, a village contact their own village's)."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.clock import local_today, now_utc
from hygiene.core.input import optional_int
from hygiene.core.web import attempt, current_scope, require_admin, require_office, say_left_out, show_refusal
from hygiene.places.queries import visible_villages
from hygiene.toilets import board as boards
from hygiene.toilets import tasks
from hygiene.toilets.kinds import TOILET_TYPES
from hygiene.toilets.status import ToiletStage
from hygiene.toilets.task_forms import bulk_task_form, task_form
from hygiene.toilets.task_schemas import FIRST_YEAR, LAST_YEAR, BulkTaskInput, TaskInput, task_fields
from hygiene.toilets.type_names import type_name

bp = Blueprint("toilet_tasks", __name__, url_prefix="/toilets")


@bp.before_request
@login_required
def _signed_in() -> None:
    """The office and village contacts; unit contacts have no toilets."""
    scope = current_scope()
    if not (scope.township_wide or scope.village_id is not None):
        abort(403)


@bp.context_processor
def _words() -> dict:
    return {"type_name": type_name, "in_form_order": in_form_order}


def in_form_order(rates: dict[str, str] | None) -> list[tuple[str, str]]:
    """A task's rates in the order of the form (kinds.yaml), not as stored."""
    rates = rates or {}
    return [(key, rates[key]) for key in TOILET_TYPES if key in rates] + \
        [(key, rate) for key, rate in rates.items() if key not in TOILET_TYPES]


def year_asked() -> int:
    """The year asked for (?year=, or the posted form's), else this year; a year that cannot be read, or that no task
    can have, is this year too, and the page says the filter was left out."""
    text = request.values.get("year") or ""
    year = optional_int(text)
    if year is not None and FIRST_YEAR <= year <= LAST_YEAR:
        return year
    say_left_out(["year"] if text.strip() else [])
    return local_today().year


@bp.get("/tasks")
def task_list():
    scope = require_office()
    year = year_asked()
    villages = visible_villages(scope)
    return render_template("toilets/tasks.html", year=year, villages=villages,
                           tasks=tasks.tasks_of_year(scope=scope, year=year), can_set=scope.is_admin)


@bp.route("/tasks/<int:village_id>/<int:year>", methods=["GET", "POST"])
def task_edit(village_id: int, year: int):
    scope = require_admin()
    if not FIRST_YEAR <= year <= LAST_YEAR:
        abort(404)
    village = tasks.village_of(scope=scope, village_id=village_id)
    task = tasks.task_get(scope=scope, village_id=village_id, year=year)
    form = task_form()
    if request.method == "GET":
        form.request_key.data = secrets.token_hex(16)
        if task is not None:
            form.household_quota.data, form.public_quota.data = str(task.household_quota), str(task.public_quota)
            form.deadline.data, form.note.data = task.deadline.isoformat(), task.note
            for key, rate in (task.subsidy_rates or {}).items():
                if f"rate_{key}" in form:
                    form[f"rate_{key}"].data = rate
    if form.validate_on_submit():
        _saved, error = attempt(lambda: tasks.task_save(
            scope=scope, actor_id=current_user.id, now=now_utc(),
            data=task_fields(TaskInput, form.data | {"village_id": village_id, "year": year})))
        if error is None:
            flash(_("The toilet task of %(village)s for %(year)d is saved.", village=village.name, year=year), "success")
            return redirect(url_for(".task_list", year=year), 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" else 200
    return render_template("toilets/task_form.html", form=form, village=village, year=year, task=task), status


@bp.route("/tasks/bulk", methods=["GET", "POST"])
def task_bulk():
    scope = require_admin()
    villages = visible_villages(scope)
    form = bulk_task_form()
    form.village_ids.choices = tasks.village_choices(villages)
    if request.method == "GET":
        form.request_key.data = secrets.token_hex(16)
        form.year.data = str(year_asked())
    if form.validate_on_submit():
        saved, error = attempt(lambda: tasks.tasks_save_bulk(
            scope=scope, actor_id=current_user.id, now=now_utc(), data=task_fields(BulkTaskInput, form.data)))
        if error is None:
            flash(_("The task is set for %(n)d villages.", n=len(saved)), "success")
            return redirect(url_for(".task_list", year=saved[0].year), 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" else 200
    return render_template("toilets/task_bulk.html", form=form), status


@bp.get("/board")
def township_board():
    scope = current_scope()
    if not scope.township_wide:  # a village contact reads their own village's board
        return redirect(url_for(".village_board", village_id=scope.village_id, year=year_asked()))
    year = year_asked()
    board = boards.township_board(scope=scope, year=year, today=local_today(), township_name=_("Township total"))
    return render_template("toilets/board.html", board=board, can_set=scope.is_admin)


@bp.get("/board/<int:village_id>")
def village_board(village_id: int):
    scope = current_scope()
    village = tasks.village_of(scope=scope, village_id=village_id)
    board = boards.village_board(scope=scope, village=village, year=year_asked(), today=local_today())
    return render_template("toilets/board_village.html", board=board, can_set=scope.is_admin,
                           shows_township=scope.township_wide, stages=list(ToiletStage))
