"""The campaign job: each morning, remind people of campaigns that start and tasks that fall due."""
from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l

from hygiene.campaigns import reminders
from hygiene.scheduler import Job, register

register(Job("campaign_reminders", reminders.scan_campaigns,
             _l("Remind villages and units of campaigns that start and tasks that fall due"),
             _l("daily at 07:25"), at=time(7, 25)))
