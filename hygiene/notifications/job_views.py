"""The scheduler's heartbeat page for administrators."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import login_required

from hygiene.clock import now_utc
from hygiene.core.web import require_admin
from hygiene.notifications.queries import unconfirmed_count
from hygiene.scheduler import job_statuses, running_here, scheduler_alive

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")


@bp.get("/")
@login_required
def job_list():
    scope = require_admin()
    app, now = current_app._get_current_object(), now_utc()
    statuses = job_statuses(app, now=now)
    return render_template("scheduler/jobs.html", statuses=statuses, running=running_here(app),
                           alive=scheduler_alive(statuses, now=now), unconfirmed=unconfirmed_count(scope))
