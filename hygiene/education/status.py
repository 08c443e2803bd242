"""Where a village or unit stands against a cadence target for one kind of activity. A cadence
is computed, never stored, so there are no moves: only the states and their order of concern."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.core.status import LabelledStatus


class CadenceState(LabelledStatus):
    OVERDUE = "overdue", _l("Overdue")          # a finished window fell short of the target
    BEHIND = "behind", _l("Behind pace")        # a long window (a year) short of its share so far
    DUE_SOON = "due_soon", _l("Due soon")       # the window ends within the reminder days, not met
    DUE = "due", _l("Due this period")          # the window in progress is not met yet
    ON_TRACK = "on_track", _l("On track")
    NO_TARGET = "no_target", _l("No target")


# the worst first: a row's badge shows the first of these that any of its kinds is in
CONCERN = (CadenceState.OVERDUE, CadenceState.BEHIND, CadenceState.DUE_SOON, CadenceState.DUE,
           CadenceState.ON_TRACK, CadenceState.NO_TARGET)
FLAGGED = frozenset({CadenceState.OVERDUE, CadenceState.BEHIND})
