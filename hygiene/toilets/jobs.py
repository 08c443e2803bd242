"""The toilet renovation job: each morning, remind the villages behind as their deadline nears, and
the village and the office of follow-up problems open too long."""
from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l

from hygiene.scheduler import Job, register
from hygiene.toilets import reminders

register(Job("toilet_reminders", reminders.scan_toilet_reminders,
             _l("Remind villages behind on toilet renovation as the deadline nears, and of follow-up problems "
                "open too long"),
             _l("daily at 07:20"), at=time(7, 20)))
