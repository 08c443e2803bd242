"""The pest-control job: each morning, the reminders of rounds, supplies and the spray cadence."""
from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l

from hygiene.pests import reminders
from hygiene.scheduler import Job, register

register(Job("pest_reminders", reminders.scan,
             _l("Remind of pest-control rounds, expiring or low stock and the peak-season spray cadence"),
             _l("daily at 07:15"), at=time(7, 15)))
