"""The stages of a renovated toilet and of a follow-up problem, with their moves.

A household toilet: surveyed (摸底) -> planned (type and site chosen) -> under construction ->
completed -> accepted or failed acceptance (with reasons) -> (rework: under construction again) ...
-> subsidy paid (only once, only after acceptance). A surveyed or planned household that turns out
not to qualify (empty house, relocating, has a sanitary toilet) is excluded. A public toilet
repair project moves through the same stages without the subsidy."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.core.status import LabelledStatus, Transition


class ToiletStage(LabelledStatus):
    SURVEYED = "surveyed", _l("Surveyed")
    PLANNED = "planned", _l("Planned")
    UNDER_CONSTRUCTION = "building", _l("Under construction")
    COMPLETED = "completed", _l("Completed, awaiting acceptance")
    FAILED = "failed", _l("Failed acceptance")
    ACCEPTED = "accepted", _l("Accepted")
    SUBSIDY_PAID = "paid", _l("Subsidy paid")
    EXCLUDED = "excluded", _l("Excluded")


# the order a board reads them in, and what counts as what on it
NOT_STARTED = (ToiletStage.SURVEYED, ToiletStage.PLANNED)
IN_PROGRESS = (ToiletStage.UNDER_CONSTRUCTION, ToiletStage.COMPLETED, ToiletStage.FAILED)
DONE = (ToiletStage.ACCEPTED, ToiletStage.SUBSIDY_PAID)   # counts against the quota

PLAN = Transition.of({ToiletStage.SURVEYED}, ToiletStage.PLANNED)
START = Transition.of({ToiletStage.PLANNED}, ToiletStage.UNDER_CONSTRUCTION)
COMPLETE = Transition.of({ToiletStage.UNDER_CONSTRUCTION}, ToiletStage.COMPLETED)
ACCEPT = Transition.of({ToiletStage.COMPLETED}, ToiletStage.ACCEPTED)
FAIL = Transition.of({ToiletStage.COMPLETED}, ToiletStage.FAILED)
REWORK = Transition.of({ToiletStage.FAILED}, ToiletStage.UNDER_CONSTRUCTION)
PAY = Transition.of({ToiletStage.ACCEPTED}, ToiletStage.SUBSIDY_PAID)
EXCLUDE = Transition.of(NOT_STARTED, ToiletStage.EXCLUDED)

# public toilet projects stop at acceptance: no household subsidy
PUBLIC_STAGES = tuple(stage for stage in ToiletStage if stage is not ToiletStage.SUBSIDY_PAID)


class ProblemStatus(LabelledStatus):
    REPORTED = "reported", _l("Reported")
    IN_HAND = "in_hand", _l("Being fixed")
    FIXED = "fixed", _l("Fixed")


TAKE_UP = Transition.of({ProblemStatus.REPORTED}, ProblemStatus.IN_HAND)
FIX = Transition.of({ProblemStatus.REPORTED, ProblemStatus.IN_HAND}, ProblemStatus.FIXED)
REOPEN_PROBLEM = Transition.of({ProblemStatus.FIXED}, ProblemStatus.REPORTED)
