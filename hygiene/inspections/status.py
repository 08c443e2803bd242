"""An inspection's statuses, their labels and its moves: planned -> in progress -> submitted ->
published, or cancelled while open; the office sends a submitted inspection back."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.core.status import LabelledStatus, Transition


class InspectionStatus(LabelledStatus):
    PLANNED = "planned", _l("Planned")
    IN_PROGRESS = "in_progress", _l("In progress")
    SUBMITTED = "submitted", _l("Submitted")
    PUBLISHED = "published", _l("Published")
    CANCELLED = "cancelled", _l("Cancelled")


# still to be filled: inspectors write, it can go overdue, the office may cancel it
OPEN = (InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS)

START = Transition.of(OPEN, InspectionStatus.IN_PROGRESS)  # every write claims it (fieldwork)
SUBMIT = Transition.of({InspectionStatus.IN_PROGRESS}, InspectionStatus.SUBMITTED)
PUBLISH = Transition.of({InspectionStatus.SUBMITTED}, InspectionStatus.PUBLISHED)
SEND_BACK = Transition.of({InspectionStatus.SUBMITTED}, InspectionStatus.IN_PROGRESS)
CANCEL = Transition.of(OPEN, InspectionStatus.CANCELLED)
# a plan withdrawn: only inspections nobody has started are cancelled with it
WITHDRAW_UNTOUCHED = Transition.of({InspectionStatus.PLANNED}, InspectionStatus.CANCELLED)

OVERDUE_LABEL = _l("Overdue")  # open past its due date: a state of the list, not a stored status
SENT_BACK_LABEL = _l("Sent back")

# the list's status filter, in the order of its menu: the statuses and two states of open ones
LIST_FILTERS = {
    InspectionStatus.PLANNED.value: InspectionStatus.PLANNED.label_text,
    InspectionStatus.IN_PROGRESS.value: InspectionStatus.IN_PROGRESS.label_text,
    "sent_back": SENT_BACK_LABEL,
    InspectionStatus.SUBMITTED.value: InspectionStatus.SUBMITTED.label_text,
    InspectionStatus.PUBLISHED.value: InspectionStatus.PUBLISHED.label_text,
    "overdue": OVERDUE_LABEL,
    InspectionStatus.CANCELLED.value: InspectionStatus.CANCELLED.label_text,
}
