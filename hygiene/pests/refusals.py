"""The one error the pest rules raise for bad input, with a stable code for translations."""
from __future__ import annotations

from typing import Any


class Refused(ValueError):
    """An input the pest rules refuse. `code` is stable (forms and translations key on it),
    `field` names the input at fault, `params` fill the message, `message` is English."""

    def __init__(self, code: str, message: str, *, field: str | None = None, **params: Any):
        super().__init__(message)
        self.code = code
        self.field = field
        self.params = params
        self.message = message
