"""When a stage move may be dated (pure): on or after the day of the stage before it, and not in
the future. One rule for every move of a household toilet and of a public toilet project."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _


def move_date_refusal(day: date, *, previous: date | None, today: date) -> str | None:
    """Why a move cannot be dated `day` after a stage dated `previous`, or None when it can."""
    if day > today:
        return _("This date is in the future.")
    if previous is not None and day < previous:
        return _("This date is before the previous stage (%(day)s): a stage cannot happen before the one "
                 "it follows.", day=previous.isoformat())
    return None
