"""The API blueprint: token sign-in, the JSON errors, the OpenAPI document, and the resource
modules that declare their operations on it (API_MODULES)."""
from __future__ import annotations

import importlib

from flask import Blueprint, g, jsonify, request, url_for
from pydantic import BaseModel, ValidationError

from hygiene.access.roles import Role
from hygiene.accounts.tokens import token_user
from hygiene.api import spec
from hygiene.api.errors import api_error, input_errors
from hygiene.clock import now_utc
from hygiene.errors import DomainError, InvalidFields, NotFound
from hygiene.extensions import csrf, db

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # signed in by a token in a header, never by a cookie: there is no cross-site form to forge
api = spec.Api(bp, title="hygiene API", version="1", description=(
    "The patriotic hygiene office's register, inspections, rectification orders, pest control, "
    "toilet renovation and published rankings. Sign in with a token (Authorization: Bearer ...) "
    "made on your account's API token page; you read and change what your account may on the "
    "pages, no more. Errors: {\"error\": {\"code\", \"message\": {\"zh_CN\", \"en\"}, \"fields\"}}. "
    "Lists are read a page at a time: pass each answer's next_cursor as cursor."))
# every module that declares operations on `api`; imported at the end of this module
API_MODULES = ("hygiene.api.register", "hygiene.api.photos", "hygiene.api.inspections", "hygiene.api.orders",
               "hygiene.api.field", "hygiene.api.pests", "hygiene.api.toilets", "hygiene.api.rankings")


@bp.before_request
def _sign_in_by_token():
    """Every operation but the public ones needs a valid token; the user it belongs to is the
    request's user (current_user, current_scope()) for this request only: no session is made."""
    if api.is_public(request.endpoint):
        return None
    header = request.headers.get("Authorization", "")
    scheme, _space, secret = header.partition(" ")
    user = token_user(secret.strip(), now=now_utc()) if scheme.lower() == "bearer" else None
    if user is None:
        db.session.rollback()
        return api_error(401, code="unauthorized")
    g._login_user = user  # Flask-Login's own slot: current_user is this user, no cookie is read or set
    return None


@bp.after_request
def _no_cookies(response):
    if "Cache-Control" not in response.headers:  # a photo's copy says it may be kept (it never changes)
        response.headers["Cache-Control"] = "no-store"
    response.headers.pop("Set-Cookie", None)
    return response


@bp.errorhandler(DomainError)
def _refused(error: DomainError):
    db.session.rollback()
    if isinstance(error, NotFound) and not error.field:  # its text is for logs ("record not found")
        return api_error(404)
    fields = error.errors if isinstance(error, InvalidFields) else (
        {error.field: error.message} if error.field else None)
    return api_error(error.status, error.message, code=getattr(error, "code", None), fields=fields)


@bp.errorhandler(ValidationError)
def _invalid(error: ValidationError):
    db.session.rollback()
    return api_error(422, fields=input_errors(error))


bp.register_error_handler(spec._Refusal, spec.refusal_answer)


class Me(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    township_id: int | None
    village_id: int | None
    unit_id: int | None


@api.operation("GET", "/openapi.json", tag="meta", summary="This document", public=True)
def openapi_document():
    return jsonify(api.document(url_for("api.openapi_document", _external=False).rsplit("/", 1)[0]))


@api.operation("GET", "/me", tag="meta", summary="The token's user and what they may see", response=Me)
def me() -> Me:
    from flask_login import current_user

    return Me(id=current_user.id, username=current_user.username, display_name=current_user.display_name,
              role=Role(current_user.role), township_id=current_user.township_id,
              village_id=current_user.village_id, unit_id=current_user.unit_id)


def api_http_error(status: int, message: str = ""):
    """The JSON answer for errors the app answers before or outside a view (no route, a NUL in
    the request, a body over the size limit, the database out of reach, a failure)."""
    return api_error(status, message if status < 500 else "",
                     headers={"Retry-After": "30"} if status == 503 else None)


for _module in API_MODULES:  # after `api` exists: each module declares its operations on it
    importlib.import_module(_module)
