"""The API's operations, declared once: the route, what it reads (path, query, JSON or form
body, as pydantic models), what it answers, and the OpenAPI 3.1 document built from the same
declarations. Input is checked by the models before the view runs; output is shaped by them, so
the document cannot drift from what the API does.

    @api.operation("GET", "/villages/{village_id}", tag="register", summary="One village",
                   response=VillageOut)
    def village(village_id: int) -> VillageOut: ...
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import Blueprint, jsonify, request
from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.json_schema import models_json_schema

from hygiene.api.errors import ErrorOut, api_error, input_errors
from hygiene.core.input import MAX_DB_INT

_PATH_PARAM = re.compile(r"\{(\w+)\}")
# what every operation may answer besides its own statuses; writes add WRITE_ERRORS
COMMON_ERRORS = (400, 401, 403, 404, 422, 503)
WRITE_ERRORS = (409, 413, 415)
PUBLIC_ERRORS = (400, 404, 422, 503)


class QueryModel(BaseModel):
    """A query string's parameters (each a plain value: text, a number, a date, a choice)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class BodyModel(BaseModel):
    """A JSON body: checked strictly (a number sent as text is refused, as the document says),
    unknown members refused, so a misspelt field is told, not silently dropped."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


@dataclass
class Operation:
    method: str
    path: str
    endpoint: str
    summary: str
    tag: str
    description: str = ""
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    form: type[BaseModel] | None = None  # multipart/form-data; its `bytes` fields are files
    response: type[BaseModel] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    public: bool = False
    extra_responses: dict[int, type[BaseModel]] = field(default_factory=dict)
    media_type: str | None = None  # a response of bytes (a photo): its content type, no JSON model


class Api:
    """The blueprint's operations and the document describing them."""

    def __init__(self, bp: Blueprint, *, title: str, version: str, description: str = ""):
        self.bp, self.title, self.version, self.description = bp, title, version, description
        self.operations: list[Operation] = []

    def is_public(self, endpoint: str | None) -> bool:
        return any(op.public and f"{self.bp.name}.{op.endpoint}" == endpoint for op in self.operations)

    def operation(self, method: str, path: str, *, summary: str, tag: str, description: str = "",
                  query: type[BaseModel] | None = None, body: type[BaseModel] | None = None,
                  form: type[BaseModel] | None = None, response: type[BaseModel] | None = None,
                  status: int = 200, errors: Iterable[int] = (), public: bool = False,
                  extra_responses: dict[int, type[BaseModel]] | None = None,
                  media_type: str | None = None) -> Callable:
        """Declare an operation and route it. The view gets its path values, `query`, `body` or
        `form` checked, and returns a model (answered with `status`), or (model, status); with
        `media_type` (image/jpeg) it returns the response of bytes it made itself."""
        def decorator(view: Callable) -> Callable:
            op = Operation(method, path, view.__name__, summary, tag, description, query, body, form,
                           response, status, tuple(errors), public, extra_responses or {}, media_type)
            self.operations.append(op)

            @wraps(view)
            def answer(**path_values):
                arguments = dict(path_values)
                try:
                    if query is not None:
                        arguments["query"] = query.model_validate(request.args.to_dict())
                    if body is not None:
                        arguments["body"] = _json_body(body)
                    if form is not None:
                        arguments["form"] = form.model_validate(
                            {**request.form.to_dict(), **request.files.to_dict()})
                except ValidationError as error:
                    return api_error(422, fields=input_errors(error))
                result = view(**arguments)
                if isinstance(result, tuple):
                    result, code = result
                else:
                    code = status
                if isinstance(result, BaseModel):
                    return jsonify(result.model_dump(mode="json")), code
                return result  # a response the view made itself (a file)

            rule = _PATH_PARAM.sub(r"<int:\1>", path)
            self.bp.add_url_rule(rule, op.endpoint, answer, methods=[method])
            return answer
        return decorator

    def document(self, server_url: str) -> dict[str, Any]:
        """The OpenAPI 3.1 document of every declared operation."""
        schemas, refs = _component_schemas(self.operations)
        paths: dict[str, dict[str, Any]] = {}
        for op in self.operations:
            paths.setdefault(op.path, {})[op.method.lower()] = _operation_doc(op, refs)
        return {
            "openapi": "3.1.0",
            "info": {"title": self.title, "version": self.version, "description": self.description},
            "servers": [{"url": server_url}],
            "paths": paths,
            "components": {"schemas": schemas, "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer",
                          "description": "An API token made on the account's token page."}}},
        }


def _json_body(model: type[BaseModel]) -> BaseModel:
    if not request.is_json:
        raise _Refusal(415)
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw or b"null")
    except ValueError:
        raise _Refusal(400, "The body is not valid JSON.") from None
    except RecursionError:
        raise _Refusal(400, "The request is nested too deeply to be read.") from None
    if not isinstance(data, dict):
        raise _Refusal(422, "The body must be a JSON object.")
    return model.model_validate(data)


class _Refusal(Exception):
    """A request the API refuses before its view runs (answered by the blueprint's handler)."""

    def __init__(self, status: int, message: str = ""):
        super().__init__(message)
        self.status, self.message = status, message


def refusal_answer(error: _Refusal):
    return api_error(error.status, error.message)


def _component_schemas(operations: list[Operation]) -> tuple[dict[str, Any], dict[Any, str]]:
    """Every body and response model's JSON schema, under #/components/schemas."""
    wanted: list[tuple[type[BaseModel], Any]] = [(ErrorOut, "serialization")]
    for op in operations:
        wanted += [(model, "validation") for model in (op.body, op.form) if model is not None]
        wanted += [(model, "serialization") for model in (op.response, *op.extra_responses.values())
                   if model is not None]
    unique = list(dict.fromkeys(wanted))
    key_map, top = models_json_schema(unique, ref_template="#/components/schemas/{model}")
    refs = {key: value["$ref"] for key, value in key_map.items()}
    schemas = top.get("$defs", {})
    for form in {op.form for op in operations if op.form is not None}:
        name = refs[(form, "validation")].rsplit("/", 1)[1]
        for prop in schemas[name].get("properties", {}).values():
            if prop.get("format") == "binary" or prop.get("contentMediaType"):
                description = prop.get("description")
                prop.clear()
                prop.update({"type": "string", "format": "binary"})
                if description:
                    prop["description"] = description
    return schemas, refs


def _operation_doc(op: Operation, refs: dict[Any, str]) -> dict[str, Any]:
    doc: dict[str, Any] = {"operationId": op.endpoint, "summary": op.summary, "tags": [op.tag]}
    if op.description:
        doc["description"] = op.description
    parameters = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "integer", "minimum": 1, "maximum": MAX_DB_INT}}
                  for name in _PATH_PARAM.findall(op.path)]
    if op.query is not None:
        parameters += _query_parameters(op.query)
    if parameters:
        doc["parameters"] = parameters
    if op.body is not None:
        doc["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": {"$ref": refs[(op.body, "validation")]}}}}
    if op.form is not None:
        doc["requestBody"] = {"required": True, "content": {
            "multipart/form-data": {"schema": {"$ref": refs[(op.form, "validation")]}}}}
    responses: dict[str, Any] = {}
    if op.response is not None:
        responses[str(op.status)] = _json_response(op.summary, refs[(op.response, "serialization")])
    if op.media_type is not None:
        responses[str(op.status)] = {"description": op.summary, "content": {
            op.media_type: {"schema": {"type": "string", "format": "binary"}}}}
    for code, model in op.extra_responses.items():
        responses[str(code)] = _json_response(model.__doc__ or op.summary, refs[(model, "serialization")])
    writes = op.method in ("POST", "PUT", "PATCH", "DELETE")
    errors = set(op.errors) | set(PUBLIC_ERRORS if op.public else COMMON_ERRORS)
    if writes:
        errors |= set(WRITE_ERRORS)
    if op.query is not None or op.body is not None or op.form is not None:
        errors.add(422)
    for code in sorted(errors):
        responses.setdefault(str(code), _json_response("Refused", refs[(ErrorOut, "serialization")]))
    doc["responses"] = responses
    doc["security"] = [] if op.public else [{"token": []}]
    return doc


def _json_response(description: str, ref: str) -> dict[str, Any]:
    return {"description": description.strip().splitlines()[0] if description else "",
            "content": {"application/json": {"schema": {"$ref": ref}}}}


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    required, defs = set(schema.get("required", ())), schema.get("$defs", {})
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        prop = _without_null(_inlined(prop, defs))
        prop.pop("title", None)
        description = prop.pop("description", None)
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _inlined(prop: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """A parameter's schema with its choices (an enum's $ref into the model's $defs) written in."""
    if "$ref" in prop:
        prop = {**defs[prop["$ref"].rsplit("/", 1)[1]], **{k: v for k, v in prop.items() if k != "$ref"}}
    if "anyOf" in prop:
        prop = {**prop, "anyOf": [_inlined(option, defs) for option in prop["anyOf"]]}
    return prop


def _without_null(prop: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is sent or left out; it is never null."""
    prop = dict(prop)
    options = prop.pop("anyOf", None)
    if options:
        kept = [o for o in options if o.get("type") != "null"]
        if len(kept) == 1:
            prop.update(kept[0])
        else:
            prop["anyOf"] = kept
    if prop.get("default") is None:
        prop.pop("default", None)
    return prop
