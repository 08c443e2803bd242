"""The scheduler's heartbeat page for administrators: /admin/jobs."""
from __future__ import annotations

import json

from flask import Blueprint, current_app, render_template
from flask_babel import ngettext
from flask_login import login_required

from hygiene.clock import now_utc
from hygiene.core.web import require_admin
from hygiene.scheduler.registry import page_notes
from hygiene.scheduler.scheduling import running_here
from hygiene.scheduler.status import job_statuses, scheduler_alive

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")

# what a run's counts say, in the order the page lists them
RESULT_WORDS = {
    "sent": lambda n: ngettext("%(num)d sent", "%(num)d sent", n),
    "failed": lambda n: ngettext("%(num)d failed", "%(num)d failed", n),
    "unconfirmed": lambda n: ngettext("%(num)d e-mail unconfirmed (not resent)",
                                      "%(num)d e-mails unconfirmed (not resent)", n),
    "reminders": lambda n: ngettext("%(num)d deadline reminder queued", "%(num)d deadline reminders queued", n),
    "newly_overdue": lambda n: ngettext("%(num)d order newly overdue", "%(num)d orders newly overdue", n),
    "inspection_reminders": lambda n: ngettext("%(num)d inspection reminder queued",
                                               "%(num)d inspection reminders queued", n),
    "inspections_made": lambda n: ngettext("%(num)d inspection made", "%(num)d inspections made", n),
    "digests_queued": lambda n: ngettext("%(num)d digest queued", "%(num)d digests queued", n),
    "deadlines_settled": lambda n: ngettext("%(num)d provisional deadline settled",
                                            "%(num)d provisional deadlines settled", n),
    "deadlines_moved": lambda n: ngettext("%(num)d deadline moved", "%(num)d deadlines moved", n),
    "exports_made": lambda n: ngettext("%(num)d export written", "%(num)d exports written", n),
    "exports_requeued": lambda n: ngettext("%(num)d export restarted", "%(num)d exports restarted", n),
    "exports_removed": lambda n: ngettext("%(num)d old export removed", "%(num)d old exports removed", n),
    "toilet_villages_behind": lambda n: ngettext("%(num)d village behind on toilet renovation",
                                                 "%(num)d villages behind on toilet renovation", n),
    "toilet_reminders": lambda n: ngettext("%(num)d toilet renovation reminder queued",
                                           "%(num)d toilet renovation reminders queued", n),
    "briefings_sent": lambda n: ngettext("%(num)d township's briefing sent", "%(num)d townships' briefings sent", n),
    "briefing_notifications": lambda n: ngettext("%(num)d briefing notification queued",
                                                 "%(num)d briefing notifications queued", n),
    "toilet_problems_open": lambda n: ngettext("%(num)d follow-up problem open too long",
                                               "%(num)d follow-up problems open too long", n),
    "toilet_problem_reminders": lambda n: ngettext("%(num)d follow-up problem reminder queued",
                                                   "%(num)d follow-up problem reminders queued", n),
    "backup_bytes": lambda n: ngettext("%(num)d byte backed up", "%(num)d bytes backed up", n),
    "photos_copied": lambda n: ngettext("%(num)d photo file copied", "%(num)d photo files copied", n),
    "backups_removed": lambda n: ngettext("%(num)d old backup removed", "%(num)d old backups removed", n),
    "photo_leftovers_removed": lambda n: ngettext("%(num)d photo store leftover removed",
                                                  "%(num)d photo store leftovers removed", n),
    "export_leftovers_removed": lambda n: ngettext("%(num)d export leftover removed",
                                                   "%(num)d export leftovers removed", n),
}


def result_lines(recorded: str) -> list[str]:
    """A run's recorded counts in the reader's language; text recorded by older versions as is."""
    try:
        counts = json.loads(recorded)
    except ValueError:
        counts = None
    if not isinstance(counts, dict):
        return [recorded] if recorded else []
    known = [RESULT_WORDS[key](counts[key]) for key in RESULT_WORDS if key in counts]
    return known + [f"{key}: {value}" for key, value in counts.items() if key not in RESULT_WORDS]


@bp.get("/")
@login_required
def job_list():
    scope = require_admin()
    app, now = current_app._get_current_object(), now_utc()  # type: ignore[attr-defined]  # current_app is a proxy, typed as Flask
    statuses = job_statuses(app, now=now)
    return render_template("scheduler/jobs.html", statuses=statuses, running=running_here(app),
                           alive=scheduler_alive(statuses, now=now), notes=page_notes(scope),
                           result_lines=result_lines)
