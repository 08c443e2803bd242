"""The steps of a creation application and of the title it earns, with their moves.

applied -> self-assessed (the applicant's own score against the checklist) -> township reviewed
(a published review inspection that passed; one that failed rejects; an amendment of the review
turns that verdict round until the application is submitted) -> submitted to the county
-> named (命名, with the county's acceptance and naming dates) | rejected. A named title comes up
for re-review (复审) on its level's cycle -> re-named (the cycle starts again) | revoked."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.core.status import LabelledStatus, Transition


class CreationStatus(LabelledStatus):
    APPLIED = "applied", _l("Applied")
    SELF_ASSESSED = "self_assessed", _l("Self-assessed")
    REVIEWED = "reviewed", _l("Township reviewed")
    SUBMITTED = "submitted", _l("Submitted to the county")
    NAMED = "named", _l("Named")
    REJECTED = "rejected", _l("Rejected")
    DUE_REVIEW = "due_review", _l("Due for re-review")
    RENAMED = "renamed", _l("Re-named")
    REVOKED = "revoked", _l("Revoked")


IN_PROGRESS = (CreationStatus.APPLIED, CreationStatus.SELF_ASSESSED, CreationStatus.REVIEWED,
               CreationStatus.SUBMITTED)
HELD = (CreationStatus.NAMED, CreationStatus.DUE_REVIEW, CreationStatus.RENAMED)   # a title that stands

SELF_ASSESS = Transition.of({CreationStatus.APPLIED}, CreationStatus.SELF_ASSESSED)
REVIEW_PASS = Transition.of({CreationStatus.SELF_ASSESSED}, CreationStatus.REVIEWED)
REVIEW_FAIL = Transition.of({CreationStatus.SELF_ASSESSED}, CreationStatus.REJECTED)
# the published review amended: its verdict turned round while the county has not got the application
REVIEW_AMENDED_FAIL = Transition.of({CreationStatus.REVIEWED}, CreationStatus.REJECTED)
REVIEW_AMENDED_PASS = Transition.of({CreationStatus.REJECTED}, CreationStatus.REVIEWED)
SUBMIT = Transition.of({CreationStatus.REVIEWED}, CreationStatus.SUBMITTED)
NAME = Transition.of({CreationStatus.SUBMITTED}, CreationStatus.NAMED)
REJECT = Transition.of(IN_PROGRESS, CreationStatus.REJECTED)
COME_DUE = Transition.of({CreationStatus.NAMED, CreationStatus.RENAMED}, CreationStatus.DUE_REVIEW)
RENAME = Transition.of({CreationStatus.DUE_REVIEW}, CreationStatus.RENAMED)
REVOKE = Transition.of(HELD, CreationStatus.REVOKED)
