"""The creation job: each morning, titles whose re-review comes near become due, with reminders."""
from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l

from hygiene.creation import reminders
from hygiene.scheduler import Job, register

register(Job("creation_reviews", reminders.scan_creation_reviews,
             _l("Mark named titles due for re-review and remind their holders"),
             _l("daily at 07:25"), at=time(7, 25)))
