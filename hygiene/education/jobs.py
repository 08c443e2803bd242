"""The health-education job: each morning, remind the contacts whose activities are due or overdue."""
from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l

from hygiene.education import reminders
from hygiene.scheduler import Job, register

register(Job("education_reminders", reminders.scan_education_cadence,
             _l("Remind contacts of health-education activities due or overdue"),
             _l("daily at 07:25"), at=time(7, 25)))
