"""The /exports pages: ask for an export, watch its progress, download it.

An export small enough (SYNC_ROWS rows: under a second to write) answers in the request as
before; a bigger one asks for a confirmation (a POST, so no link prefetch starts work), becomes
a background task and its page shows its progress until the file is ready. Every page needs a
login; a task and its file are only ever shown to the user who asked (anyone else: 404). The
rows are read with the asker's scope, so nobody gets a row beyond their scope either way.
The rankings' downloads are small and have their own blueprint (rankings/export_views.py).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.clock import local_today, now_utc
from hygiene.core.download import download
from hygiene.core.error_page import error_page
from hygiene.core.excel import workbook
from hygiene.core.web import committing, current_scope
from hygiene.errors import DomainError
from hygiene.exports.models import ExportTask
from hygiene.exports.registry import ExportKind, export_kind
from hygiene.exports.services import export_ask, export_result, export_task_get

bp = Blueprint("exports", __name__, url_prefix="/exports")
# rows written in the request: under a second (bench/export_township.py: 102,543 rows in 3.9 s);
# a township's month (about 9,000 rows) stays immediate, more go to the background
SYNC_ROWS = 20_000


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every export needs a signed-in user."""


@bp.route("/<kind>.xlsx", methods=["GET", "POST"])
def export(kind: str):
    """The export of a list page's filters: the file now, or a task for the background."""
    found = export_kind(kind)
    if found is None:
        abort(404)
    if found.allowed is not None and not found.allowed(current_scope()):
        abort(403)
    try:
        params = found.read_params(request.args, local_today())
    except DomainError as error:
        return bad_request(error.message)
    scope = current_scope()
    rows = found.size(scope, params)
    if rows <= current_app.config.get("EXPORT_SYNC_ROWS", SYNC_ROWS):
        ascii_name, name = found.file_names(params)
        return download(workbook(found.sheets(scope, params)), ascii_name=f"{ascii_name}.xlsx", name=f"{name}.xlsx")
    if request.method == "GET":
        return render_template("exports/confirm.html", kind=found, rows=rows, action=request.full_path,
                               back=_list_page())
    return _ask(found, params, rows)


def _ask(kind: ExportKind, params: dict, rows: int):
    with committing():
        task = export_ask(user=current_user, kind=kind, params=params, total=rows, now=now_utc())
    return redirect(url_for(".task_page", task_id=task.id), 303)


@bp.get("/tasks/<int:task_id>")
def task_page(task_id: int):
    task = export_task_get(user_id=current_user.id, task_id=task_id)
    kind = export_kind(task.kind)
    return render_template("exports/task.html", task=task, title=kind.title if kind else task.kind,
                           ready=export_result(task) is not None)


@bp.get("/tasks/<int:task_id>.json")
def task_state(task_id: int):
    """The task's progress for the page's polling."""
    task = export_task_get(user_id=current_user.id, task_id=task_id)
    return jsonify(status=task.status, label=task.status_label, percent=task.percent, progress=task.progress,
                   total=task.total, finished=task.is_finished)


@bp.get("/tasks/<int:task_id>/download")
def task_download(task_id: int):
    task: ExportTask = export_task_get(user_id=current_user.id, task_id=task_id)
    path = export_result(task)
    if path is None:
        flash(_("This export is not ready, or its file was removed after a week; please export again."), "error")
        return redirect(url_for(".task_page", task_id=task.id))
    return download(path, ascii_name=f"{task.ascii_name}.xlsx", name=f"{task.file_name}.xlsx")


def bad_request(message: str):
    return error_page(400, message)


def _list_page() -> str:
    """Where "back" leads from the confirmation: the list page the export was asked from (when the
    browser says it and it is this site's), else the home page."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host and referrer.path.startswith("/") and not referrer.path.startswith("/exports"):
        return referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return url_for("core.dashboard")
