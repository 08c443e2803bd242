"""The briefing's job: each morning, send last month's briefing once the month's first working day has come."""
from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l

from hygiene.briefing.sending import send_monthly_briefings
from hygiene.scheduler import Job, register

register(Job("monthly_briefing", send_monthly_briefings,
             _l("Send last month's briefing to the township's administrators on the first working day"),
             _l("daily at 08:00"), at=time(8, 0)))
