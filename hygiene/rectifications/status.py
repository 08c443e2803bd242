"""A rectification order's statuses, their labels and its moves: issued -> fix reported ->
closed (the re-inspection passed) or superseded (it failed: a follow-up order is issued);
an open order is withdrawn when its inspection is cancelled or corrected."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.core.status import LabelledStatus, Transition


class OrderStatus(LabelledStatus):
    ISSUED = "issued", _l("Issued")
    EVIDENCE_SUBMITTED = "evidence_submitted", _l("Fix reported")
    CLOSED = "closed", _l("Closed")
    SUPERSEDED = "superseded", _l("Not fixed, follow-up issued")
    # its inspection was cancelled or corrected and left nothing to put right (never overdue,
    # not counted in rankings)
    WITHDRAWN = "withdrawn", _l("Withdrawn")


# waiting on the recipient or on the re-inspection
OPEN = (OrderStatus.ISSUED, OrderStatus.EVIDENCE_SUBMITTED)
# the fix was reported before it was checked (whether or not it then passed)
FIX_REPORTED = (OrderStatus.CLOSED, OrderStatus.EVIDENCE_SUBMITTED)

REPORT_FIX = Transition.of(OPEN, OrderStatus.EVIDENCE_SUBMITTED)  # a second report replaces the first
PASS_REINSPECTION = Transition.of({OrderStatus.EVIDENCE_SUBMITTED}, OrderStatus.CLOSED)
FAIL_REINSPECTION = Transition.of({OrderStatus.EVIDENCE_SUBMITTED}, OrderStatus.SUPERSEDED)
WITHDRAW = Transition.of(OPEN, OrderStatus.WITHDRAWN)


def reinspection(passed: bool) -> Transition[OrderStatus]:
    """The move a re-inspection makes: a pass closes the order, a fail supersedes it."""
    return PASS_REINSPECTION if passed else FAIL_REINSPECTION


OVERDUE_LABEL = _l("Overdue")  # issued and past its deadline: a state, not a stored status

# the list's status filter, in the order of its menu
LIST_FILTERS = {
    "open": _l("Not closed"), "overdue": OVERDUE_LABEL,
    **OrderStatus.labels(),
    "all": _l("All"),
}
