"""The letters job: every ten minutes, measure the open letters of this year and the last (the
year-end assessment runs into January), so the assessment board reads fresh stored figures."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l

from hygiene.clock import local_today
from hygiene.letters.measure import refresh_measurements
from hygiene.scheduler import Job, register


def measure_letters(*, now: datetime) -> dict[str, int]:
    """Measure every open letter of this year and the last; the targets measured."""
    year = local_today(now).year
    return {"targets_measured": sum(refresh_measurements(township_id=None, year=y, now=now)
                                    for y in (year - 1, year))}


register(Job("letters_measure", measure_letters, _l("Measure the open target letters for the assessment board"),
             _l("every 10 minutes"), every=timedelta(minutes=10)))
