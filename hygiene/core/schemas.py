"""Typed inputs for services (pydantic 2): the base every input model shares, and one adapter
from a pydantic ValidationError to the `{field: message}` errors forms and services show.

Rules that are pure field checks live in the input models, so a form, an import row and the
coming JSON API check a value the same way; rules that need the database stay in the services.
Messages are the catalog's own msgids, translated when the input is checked.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from datetime import date
from functools import cache
from typing import Annotated, Any, TypeVar

from flask_babel import gettext as _
from pydantic import BaseModel, BeforeValidator, ConfigDict, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError

from hygiene.core.input import db_int
from hygiene.errors import InvalidFields

M = TypeVar("M", bound=BaseModel)
# C0 and C1 control characters: no person types them, PostgreSQL refuses NUL; tabs and line
# breaks are whitespace, which the register's text fields fold into spaces before this check
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class InputModel(BaseModel):
    """A service's input: checked once, then read as typed attributes."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, frozen=True)


def refusal(message: str) -> PydanticCustomError:
    """A field error whose message is already in the reader's language."""
    return PydanticCustomError("refused", "{message}", {"message": message})


def no_control_characters(value: object) -> object:
    """Refuse text holding a NUL or another control character (a field's own message, where
    the request-wide check answers 400 for the whole request)."""
    if isinstance(value, str) and _CONTROL.search(value):
        raise refusal(_("Remove the control character (such as \\0) from this text."))
    return value


def _record_id(value: object) -> int | None:
    """An id from a list (a select, a name looked up by an import): empty means none."""
    if value is None or value == "":
        return None
    try:
        return db_int(value)
    except (TypeError, ValueError):
        raise refusal(_("Choose a value from the list.")) from None


def a_date(value: object) -> object:
    """A date field's value: 2026-11-01 from a form, or a date; empty or unreadable is refused."""
    if value is None or value == "":
        raise refusal(_("Enter a date."))
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise refusal(_("Enter a date.")) from None
    return value


def typed_text(length: int, *, required: bool = False) -> BeforeValidator:
    """A text field as a person typed it: spaces collapsed, no control characters, at most
    `length` characters (said in the reader's language), required when asked."""
    def check(value: object) -> str:
        text = " ".join(str(value or "").split())
        no_control_characters(text)
        if required and not text:
            raise refusal(_("This field is required."))
        if len(text) > length:
            raise refusal(_("At most %(length)s characters.", length=length))
        return text
    return BeforeValidator(check)


RecordId = Annotated[int | None, BeforeValidator(_record_id)]
Flag = Annotated[bool, BeforeValidator(bool)]  # a checkbox: sent or not, any value is "on"


def message_of(error: Mapping[str, Any]) -> str:
    """One pydantic error in the catalog's words."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "refused":
        return str(ctx["message"])
    if kind == "missing":
        return _("This field is required.")
    if kind in ("string_too_long", "too_long"):  # too_long: a length checked after a BeforeValidator
        return _("At most %(n)d characters.", n=ctx["max_length"])
    if kind in ("literal_error", "enum", "int_parsing", "int_type"):
        return _("Choose a value from the list.")
    return str(error["msg"])


def field_errors(error: ValidationError) -> dict[str, str]:
    """`{field: message}` of a failed input, the first problem of each field."""
    errors: dict[str, str] = {}
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else ""
        errors.setdefault(field, message_of(problem))
    return errors


def parse_input(model: type[M], data: Mapping[str, Any], *,
                invalid: Callable[[dict[str, str]], InvalidFields] = InvalidFields) -> M:
    """Check `data` (a form's data, an import row, a JSON body) into `model`, or raise
    `invalid` (an InvalidFields) with every field's message."""
    try:
        return model.model_validate(dict(data))
    except ValidationError as error:
        raise invalid(field_errors(error)) from None


def valid_values(model: type[BaseModel], data: Mapping[str, Any], *,
                 leave_out: Collection[str]) -> dict[str, Any]:
    """The checked values of `model`'s fields except `leave_out`, each field on its own (the
    default where `data` has none): what a service's database checks still look at when other
    fields of the input are wrong, so one answer names every problem."""
    values = {}
    for name, info in model.model_fields.items():
        if name in leave_out:
            continue
        if name in data:
            values[name] = _field_adapter(model, name).validate_python(data[name])
        elif not info.is_required():
            values[name] = info.get_default(call_default_factory=True)
    return values


@cache
def _field_adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    return TypeAdapter(model.model_fields[name].rebuild_annotation())
