"""The toilet renovation job: each morning, remind the villages behind as their deadline nears."""
from __future__ import annotations

from datetime import time

from flask_babel import lazy_gettext as _l

from hygiene.scheduler import Job, register
from hygiene.toilets import reminders

register(Job("toilet_reminders", reminders.scan_toilet_deadlines,
             _l("Remind villages behind on toilet renovation as the deadline nears"),
             _l("daily at 07:20"), at=time(7, 20)))
