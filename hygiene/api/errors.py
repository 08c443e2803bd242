"""The API's errors: one JSON shape for every refusal, with a code a program can test and the
message in Chinese and English.

    {"error": {"code": "invalid", "message": {"zh_CN": "...", "en": "..."},
               "fields": {"name": {"zh_CN": "...", "en": "..."}}}}
"""
from __future__ import annotations

from flask import jsonify
from pydantic import BaseModel, Field

from hygiene.api.bilingual import both

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
