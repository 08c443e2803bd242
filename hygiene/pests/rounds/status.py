"""A control round's statuses and moves: planned (the office is still drafting; targets do not
see it) -> announced (targets see it and record their work) -> closed (no more work recorded);
a planned or announced round may be cancelled."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.core.status import LabelledStatus, Transition


class RoundStatus(LabelledStatus):
    PLANNED = "planned", _l("Planned")
    ANNOUNCED = "announced", _l("Announced")
    CLOSED = "closed", _l("Closed")
    CANCELLED = "cancelled", _l("Cancelled")


# the statuses a target sees; work is recorded only while announced
SEEN_BY_TARGETS = (RoundStatus.ANNOUNCED, RoundStatus.CLOSED)

ANNOUNCE = Transition.of({RoundStatus.PLANNED}, RoundStatus.ANNOUNCED)
CLOSE = Transition.of({RoundStatus.ANNOUNCED}, RoundStatus.CLOSED)
REOPEN = Transition.of({RoundStatus.CLOSED}, RoundStatus.ANNOUNCED)
CANCEL = Transition.of({RoundStatus.PLANNED, RoundStatus.ANNOUNCED}, RoundStatus.CANCELLED)


class WorkKind(LabelledStatus):
    """What one work record is: the round's work, or a mop-up (补投/补喷) of what was missed."""

    COMPLETION = "completion", _l("Done")
    MOP_UP = "mop_up", _l("Mop-up")
