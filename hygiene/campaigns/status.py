"""A campaign's statuses and a task's, with their moves.

A campaign is under way (进行中) from the day the office makes it: its villages and units see
their tasks; it is closed when the office ends it (reopened if closed too early), or cancelled.
A task is open until its village or unit completes it (with a note and photos); the office may
reopen a completed task (the clean-up was not good enough), and it is open again."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.core.status import LabelledStatus, Transition


class CampaignStatus(LabelledStatus):
    ACTIVE = "active", _l("Under way")
    CLOSED = "closed", _l("Ended")
    CANCELLED = "cancelled", _l("Cancelled")

    @staticmethod
    def not_started_label() -> str:
        """An active campaign before its first day (shown, never stored)."""
        return str(_l("Not started yet"))


# what villages and units see; tasks are completed only while the campaign is under way
SEEN_BY_CONTACTS = (CampaignStatus.ACTIVE, CampaignStatus.CLOSED)

CLOSE = Transition.of({CampaignStatus.ACTIVE}, CampaignStatus.CLOSED)
REOPEN_CAMPAIGN = Transition.of({CampaignStatus.CLOSED}, CampaignStatus.ACTIVE)
CANCEL = Transition.of({CampaignStatus.ACTIVE}, CampaignStatus.CANCELLED)


class TaskStatus(LabelledStatus):
    OPEN = "open", _l("Not done yet")
    DONE = "done", _l("Done")


COMPLETE = Transition.of({TaskStatus.OPEN}, TaskStatus.DONE)
REOPEN_TASK = Transition.of({TaskStatus.DONE}, TaskStatus.OPEN)
