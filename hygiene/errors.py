"""Domain errors that services raise and entry points translate."""
from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request; `field` names the input at fault, if any.
    `status` is the HTTP answer when no view answers it itself (hygiene/__init__.py)."""

    status = 422

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidFields(DomainError):
    """Several inputs are wrong at once; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class NotFound(DomainError):
    """The record does not exist or lies outside the user's scope (the two look the same)."""

    status = 404


class Forbidden(DomainError):
    """The user's role may not do this."""

    status = 403
