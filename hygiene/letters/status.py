"""A letter's status and its moves: draft -> signed -> assessed, and an assessed letter reopened
(to correct the measure or the decision) before it is assessed again."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.core.status import LabelledStatus, Transition


class LetterStatus(LabelledStatus):
    DRAFT = "draft", _l("Draft")
    SIGNED = "signed", _l("Signed")
    ASSESSED = "assessed", _l("Assessed")
    REOPENED = "reopened", _l("Reopened")


SIGN = Transition.of({LetterStatus.DRAFT}, LetterStatus.SIGNED)
ASSESS = Transition.of({LetterStatus.SIGNED, LetterStatus.REOPENED}, LetterStatus.ASSESSED)
REOPEN = Transition.of({LetterStatus.ASSESSED}, LetterStatus.REOPENED)
# the badge each status wears on the lists (app.css's draft; letters.css the others)
BADGES = {LetterStatus.DRAFT: "draft", LetterStatus.SIGNED: "letter-signed", LetterStatus.ASSESSED: "letter-assessed",
          LetterStatus.REOPENED: "draft"}
# targets are what the two sides sign: changed before signing, or on a reopened letter
EDITABLE = frozenset({LetterStatus.DRAFT, LetterStatus.REOPENED})


class Outcome(LabelledStatus):
    """What the office decides at the year's end (通报表扬 with a reward, 通报批评 with a penalty)."""

    NONE = "none", _l("No commendation or criticism")
    PRAISE = "praise", _l("Commended (通报表扬)")
    CRITICISM = "criticism", _l("Criticised (通报批评)")
