"""The food registers' job: each morning, remind units of health certificates about to expire."""
from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l

from hygiene.food import reminders
from hygiene.scheduler import Job, register

register(Job("food_certificate_reminders", reminders.scan_certificates,
             _l("Remind units of health certificates about to expire"), _l("daily at 07:25"), at=time(7, 25)))
