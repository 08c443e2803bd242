"""The API's errors: one JSON shape for every refusal, with a code a program can test and the
message in Chinese and English.

    {"error": {"code": "invalid", "message": {"zh_CN": "...", "en": "..."},
               "fields": {"name": {"zh_CN": "...", "en": "..."}}}}
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import jsonify
from flask_babel import gettext as _
from pydantic import BaseModel, Field, ValidationError

from hygiene.api.bilingual import both
from hygiene.core.schemas import message_of

# the code of each status when the refusal brings none of its own
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
         422: "invalid", 429: "too_many_requests", 500: "internal_error", 503: "unavailable"}
# what each status says when the refusal brings no message of its own (English msgids)
DEFAULT_MESSAGES = {
    400: "The request could not be understood.",
    401: "Sign in with an API token: send the header Authorization: Bearer <token>.",
    403: "Your account may not do this.",
    404: "Not found, or not part of your area.",
    405: "This address does not take that request method.",
    409: "The record changed meanwhile; read it again.",
    413: "The upload is larger than the system takes.",
    415: "Send JSON (Content-Type: application/json).",
    422: "Some values are not accepted.",
    429: "Too many requests; wait a moment and try again.",
    500: "The system could not finish this request. Nothing was half-saved; please try again.",
    503: "The database cannot be reached just now, please try again in a moment.",
}


class Message(BaseModel):
    zh_CN: str
    en: str


class ErrorBody(BaseModel):
    code: str = Field(description="What went wrong, for programs: not_found, invalid, conflict, ...")
    message: Message
    fields: dict[str, Message] | None = Field(None, description="Each wrong input's own message")


class ErrorOut(BaseModel):
    error: ErrorBody


def api_error(status: int, message: str = "", *, code: str | None = None,
              fields: dict[str, str] | None = None, headers: dict[str, str] | None = None):
    """The JSON answer of a refusal (`message` and `fields` in English, as the API speaks)."""
    body = {"code": code or CODES.get(status, "error"),
            "message": both(message or DEFAULT_MESSAGES.get(status, DEFAULT_MESSAGES[400]))}
    if fields:
        body["fields"] = {name: both(text) for name, text in fields.items()}
    response = jsonify(error=body)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="hygiene"'
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def input_errors(error: ValidationError) -> dict[str, str]:
    """`{field: message}` of input the API's models refused, in the catalog's words: the page's
    words where they fit (core/schemas.message_of), and the words of a program's mistakes (a
    number below its least, text sent for a number, an unknown member) beside them."""
    errors: dict[str, str] = {}
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"]) if problem["loc"] else ""
        errors.setdefault(field, _api_message(problem))
    return errors


def _api_message(problem: Mapping[str, Any]) -> str:
    kind, ctx = problem["type"], problem.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than"):
        return _("Enter a number of at least %(n)s.", n=ctx.get("ge", ctx.get("gt")))
    if kind in ("less_than_equal", "less_than"):
        return _("Enter a number of at most %(n)s.", n=ctx.get("le", ctx.get("lt")))
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return _("Enter a number.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind in ("date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return _("Enter a date as YYYY-MM-DD.")
    if kind in ("datetime_parsing", "datetime_type", "datetime_from_date_parsing"):
        return _("Enter a date and time (ISO 8601).")
    if kind == "string_pattern_mismatch":
        return _("This value does not have the form the API describes for it.")
    if kind in ("string_type", "string_sub_type"):
        return _("Enter text.")
    if kind == "string_too_short":
        return _("Enter at least %(n)s characters.", n=ctx.get("min_length"))
    if kind == "extra_forbidden":
        return _("This member is not known here; leave it out.")
    if kind in ("list_type", "tuple_type"):
        return _("Send a list here.")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _("Send an object here.")
    if kind == "too_short":
        return _("Send at least %(n)s.", n=ctx.get("min_length"))
    if kind == "too_long":
        return _("Send at most %(n)s.", n=ctx.get("max_length"))
    return message_of(problem)
