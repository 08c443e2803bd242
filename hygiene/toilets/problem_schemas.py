"""The checked inputs of follow-up problems (回头看): a report, a fix, a take-up or reopen, a check."""
from __future__ import annotations

from typing import Annotated

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field

from hygiene.core.schemas import InputModel, RecordId, refusal
from hygiene.toilets.kinds import PROBLEM_KINDS
from hygiene.toilets.schemas import Day, Key, Text, _text


def _kind(value: object) -> str:
    if value not in PROBLEM_KINDS:
        raise refusal(_("Choose a problem from the list."))
    return str(value)


def _said(value: str) -> str:
    if not value:
        raise refusal(_("Say what was done."))
    return value


class ProblemNewInput(InputModel):
    """A problem found on an accepted toilet (a household's report or the follow-up check)."""
    toilet_id: RecordId = None
    public_toilet_id: RecordId = None
    kind: Annotated[str, BeforeValidator(_kind)]
    reported_on: Day
    note: Text = ""
    sample_id: RecordId = None
    request_key: Key = None


class ProblemStepInput(InputModel):
    """Take up or reopen: the note and the form's one-time key."""
    note: Text = ""
    request_key: Key = None


class ProblemFixInput(ProblemStepInput):
    fixed_on: Day
    fix_note: Annotated[str, BeforeValidator(_text), AfterValidator(_said), Field(max_length=2000)]


class CheckInput(InputModel):
    """A sampled toilet checked and found fine."""
    toilet_id: RecordId = None
    checked_on: Day
    note: Text = ""
    request_key: Key = None
