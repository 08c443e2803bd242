"""The rectification jobs: the hourly deadline scan and the daily recount of provisional deadlines.

The "scan_deadlines" job is declared here; the inspections domain adds its reminders sweep to it
(hygiene/inspections/jobs.py), so one hourly run records both counts under the same id.
"""
from __future__ import annotations

from datetime import time, timedelta

from flask_babel import lazy_gettext as _l

from hygiene.notifications.digest import digest_source
from hygiene.rectifications import reminders
from hygiene.rectifications.deadlines import recompute_provisional
from hygiene.scheduler import Job, register

register(Job("scan_deadlines", reminders.scan_deadlines, _l("Look for deadlines that come near or pass"),
             _l("every hour"), every=timedelta(hours=1)))
register(Job("recompute_deadlines", recompute_provisional,
             _l("Recompute provisional deadlines once the official calendar knows their year"),
             _l("daily at 02:10"), at=time(2, 10)))
digest_source(reminders.digest_items)
