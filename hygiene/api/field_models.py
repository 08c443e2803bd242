"""The field contract's shapes (docs/field-contract.md): what the offline field app reads and
sends, as pydantic models; the operations are in hygiene/api/field.py."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator
from werkzeug.datastructures import FileStorage

from hygiene.api.errors import ErrorBody, Message
from hygiene.api.spec import BodyModel
from hygiene.core.input import MAX_DB_INT
from hygiene.inspections.fieldwork import NOTE_MAX_CHARS
from hygiene.inspections.status import InspectionStatus


def _whole(value: Any) -> Any:
    """JSON Schema's integer admits 12.0: take it as 12 (a string stays refused, strictly)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


ID = Annotated[int, Field(ge=1, le=MAX_DB_INT), BeforeValidator(_whole)]
CLIENT_ID = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{7,63}$",
                                 description="An id the client made (a UUID): a resend with it finds the first")]
NUMBER = "A decimal number as a string (\"87.5\")"


def plain_number(value: Decimal | None) -> str | None:
    """A Decimal as people write it: "10" rather than "10.00" (NUMBER)."""
    if value is None:
        return None
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class ItemOut(BaseModel):
    id: int
    text: str
    points: str = Field(description=NUMBER)
    scoring: Literal["pass_fail", "deduction", "grade"]
    deduction_step: str | None = Field(description=NUMBER)
    veto: bool
    photo_on_fail: bool
    guidance: str


class SectionOut(BaseModel):
    title: str
    items: list[ItemOut]


class ChecklistOut(BaseModel):
    name: str
    pass_mark: str = Field(description=NUMBER)
    sections: list[SectionOut]


class AnswerOut(BaseModel):
    item_id: int
    result: Literal["pass", "fail", "na"] | None
    findings: int
    grade: str | None = Field(description=NUMBER)
    note: str
    updated_at: datetime = Field(description="Send it back as base_updated_at when changing this answer")


class PhotoRef(BaseModel):
    id: int
    item_id: int | None
    client_id: str | None


class AssignmentOut(BaseModel):
    id: int
    status: Literal[InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS]
    target_kind: str = Field(description="village, unit, household, cleaner, ...")
    target_id: int
    target_label: str
    planned_date: date
    due_date: date
    review_comment: str = Field(description="The office's comment when it sent the inspection back")
    sent_back: bool
    version_id: int
    checklist: ChecklistOut
    answers: list[AnswerOut]
    photos: list[PhotoRef]
    etag: str = Field(description="Changes when the office changes the inspection (status, dates, inspectors)")


class AssignmentsOut(BaseModel):
    server_time: datetime
    inspections: list[AssignmentOut]


class AnswerIn(BodyModel):
    item_id: ID
    result: Literal["pass", "fail", "na"] | None
    findings: Annotated[int, BeforeValidator(_whole)] = Field(0, ge=0, le=999)
    grade: str | None = Field(None, pattern=r"^[0-9]{1,4}(\.[0-9]{1,2})?$", description=NUMBER)
    note: str = Field("", max_length=NOTE_MAX_CHARS, pattern=r"^[^\x00]*$", description="No NUL")
    base_updated_at: Annotated[datetime | None, Field(strict=False)] = Field(
        None, description="The answer's updated_at the phone last saw; null when it saw none")


class AnswersIn(BodyModel):
    answers: list[AnswerIn] = Field(min_length=1, max_length=500)


class ScoreOut(BaseModel):
    score: str | None = Field(description=NUMBER + "; null while nothing can be scored")
    grade: str
    answered: int
    total: int


class AnswersOut(BaseModel):
    answers: list[AnswerOut]
    score: ScoreOut


class ConflictOut(BaseModel):
    item_id: int
    server: AnswerOut


class AnswersRefusedOut(BaseModel):
    """Refused: the inspection moved on (code cancelled, not_open) or, code answer_conflict, newer
    answers on the server differ from those sent (`conflicts`: the server's); nothing was saved"""

    error: ErrorBody
    conflicts: list[ConflictOut] | None = None


class Problem(BaseModel):
    item_id: int
    message: Message


class SubmitRefusedOut(BaseModel):
    """Refused: bad input, or code not_ready with what each item still lacks (`problems`)"""

    error: ErrorBody
    problems: list[Problem] | None = None


class PhotoForm(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, arbitrary_types_allowed=True)

    photo: Any = Field(json_schema_extra={"type": "string", "format": "binary"},
                       description="The photo (JPEG, PNG, HEIC, ...), with its EXIF")
    client_id: CLIENT_ID
    item_id: ID | None = Field(None, description="The checklist item it shows; leave out for the whole inspection")

    @field_validator("item_id", mode="before")
    @classmethod
    def _none(cls, value: Any) -> Any:
        return None if value in ("", "null") else value  # a form sends no null: empty, or the word

    @field_validator("photo")
    @classmethod
    def _a_file(cls, value: Any) -> Any:
        if not isinstance(value, FileStorage) or not value.filename:
            raise ValueError("Choose a photo first.")
        return value


class PhotoOut(BaseModel):
    id: int
    client_id: str | None
    item_id: int | None
    width: int
    height: int
    flags: list[str] = Field(description="What a reviewer should look at (reused, no capture time, ...)")


class SubmitIn(BodyModel):
    submission_key: CLIENT_ID


class SubmittedOut(BaseModel):
    id: int
    status: Literal[InspectionStatus.SUBMITTED, InspectionStatus.PUBLISHED]
    score: str | None = Field(description=NUMBER)
    grade: str
    passed: bool | None


class AdHocIn(BodyModel):
    client_id: CLIENT_ID
    target_kind: Literal["village", "unit", "household"]
    target_id: ID
    template_id: ID | None = Field(None, description="The checklist: template_id of GET /plans or "
                                                    "GET /checklist-versions/{version_id}; or name it by template_code")
    template_code: str | None = Field(None, min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_-]+$",
                                      description="The checklist's code (template_code of the same), instead of "
                                                  "template_id; a checklist made in the builder may have none")
    planned_date: Annotated[date, Field(strict=False)]
    due_date: Annotated[date | None, Field(strict=False)] = Field(
        None, description="Left out: a week after the planned date")
    inspector_ids: list[ID] | None = Field(None, min_length=1, max_length=50,
                                           description="Left out: the token's user")


class InspectionOut(BaseModel):
    id: int
    client_id: str | None
    status: str
    target_kind: str
    target_id: int
    target_label: str
    planned_date: date
    due_date: date
    version_id: int
    inspector_ids: list[int]
