"""The checked inputs of the health-education pages: an activity, and the office's targets."""
from __future__ import annotations

import unicodedata
from datetime import date
from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field, create_model

from hygiene.clock import local_today
from hygiene.core.input import db_int
from hygiene.core.schemas import InputModel, a_date, no_control_characters, refusal, typed_text
from hygiene.education.cadence import MAX_AT_LEAST, WINDOW_MONTHS
from hygiene.education.kinds import ActivityKind, SubjectKind
from hygiene.education.models import EducationActivity

FIRST_DAY = date(2000, 1, 1)
MAX_ATTENDANCE = 100_000
MAX_REMIND_DAYS = 31


def _text(value: object) -> object:
    return no_control_characters((value or "").strip() if isinstance(value, str) else value or "")


def _kind(value: object) -> str:
    if not ActivityKind.known(value):
        raise refusal(_("Choose an activity from the list."))
    return str(value)


def _held_on(day: date) -> date:
    if day > local_today():
        raise refusal(_("This date is in the future."))
    if day < FIRST_DAY:
        raise refusal(_("Enter a date from %(day)s on.", day=FIRST_DAY.isoformat()))
    return day


def _subject(value: object) -> tuple[str, int]:
    """"village:12" or "unit:34", as the form's list offers them."""
    kind, _sep, number = str(value or "").partition(":")
    try:
        record_id = db_int(number)
    except (TypeError, ValueError):
        record_id = 0
    if not SubjectKind.known(kind) or record_id <= 0:
        raise refusal(_("Choose a village or unit from the list."))
    return kind, record_id


def _attendance(value: object) -> int | None:
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > MAX_ATTENDANCE:
        raise refusal(_("Enter a whole number from 0 to %(high)d.", low=0, high=MAX_ATTENDANCE))
    return int(text)


class ActivityInput(InputModel):
    subject: Annotated[tuple[str, int], BeforeValidator(_subject)]
    kind: Annotated[str, BeforeValidator(_kind)]
    held_on: Annotated[date, BeforeValidator(a_date), AfterValidator(_held_on)]
    topic: Annotated[str, typed_text(EducationActivity.__table__.c.topic.type.length, required=True)]
    attendance: Annotated[int | None, BeforeValidator(_attendance)] = None
    note: Annotated[str, BeforeValidator(_text), Field(max_length=2000)] = ""
    request_key: Annotated[str | None, BeforeValidator(lambda v: str(v or "").strip()[:64] or None)] = None


# --- the office's targets ----------------------------------------------------------------------

def _whole(low: int, high: int, allowed: tuple[int, ...] = ()):
    def check(value: object) -> int:
        text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
        number = int(text) if text.isdigit() and len(text) < 6 else -1
        if allowed and number not in allowed:
            raise refusal(_("Choose a value from the list."))
        if not low <= number <= high:
            raise refusal(_("Enter a whole number from %(low)d to %(high)d.", low=low, high=high))
        return number
    return BeforeValidator(check)


def target_field(subject: str, kind: str, part: str) -> str:
    """The form field of one number of the targets table: village_board_every, unit_column_at_least."""
    return f"{subject}_{kind}_{part}"


_TARGET_FIELDS: dict[str, Any] = {}
for _s in SubjectKind:
    for _k in ActivityKind:
        _TARGET_FIELDS[target_field(_s, _k, "every")] = (
            Annotated[int, _whole(1, 12, WINDOW_MONTHS)], ...)
        _TARGET_FIELDS[target_field(_s, _k, "at_least")] = (Annotated[int, _whole(0, MAX_AT_LEAST)], ...)

def _count_from(value: object) -> object:
    """Empty: the cadence counts every period; else a date from FIRST_DAY on."""
    if value is None or value == "":
        return None
    day = a_date(value)
    if isinstance(day, date) and day < FIRST_DAY:
        raise refusal(_("Enter a date from %(day)s on.", day=FIRST_DAY.isoformat()))
    return day


SettingsInput = create_model(  # fields built from the kinds
    "SettingsInput", __base__=InputModel,
    remind_days_before=(Annotated[int, _whole(0, MAX_REMIND_DAYS)], ...),
    count_from=(Annotated[date | None, BeforeValidator(_count_from)], None), **_TARGET_FIELDS)


def settings_data(data: Any) -> dict:
    """The checked settings as stored: {"village": {"board": {...}}, ..., "remind_days_before": n}."""
    stored: dict[str, Any] = {s.value: {k.value: {"every_months": getattr(data, target_field(s, k, "every")),
                                                  "at_least": getattr(data, target_field(s, k, "at_least"))}
                                        for k in ActivityKind} for s in SubjectKind}
    stored["remind_days_before"] = data.remind_days_before
    return stored
