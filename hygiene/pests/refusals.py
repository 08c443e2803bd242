"""The one error the pest rules raise for bad input, with a stable code for translations."""
from __future__ import annotations

from typing import Any

# Every code a refusal may carry: forms and translations key on these, so they never change
# meaning (a test checks that each `Refused(...)` in hygiene/pests uses one of them).
CODES = frozenset({
    # counts and amounts
    "not_a_number", "not_finite", "negative", "not_whole", "too_large", "too_precise", "not_positive",
    "zero_denominator", "more_positive_than_checked", "count_without_positive", "count_below_positive",
    "unit_too_large",
    # grading
    "unknown_edition", "edition_without_thresholds", "unknown_count", "missing_count", "no_results",
    # supplies
    "banned_rodenticide", "expired", "unknown_unit", "incompatible_units", "unknown_movement", "wrong_holder",
    "stock_too_low",
})


class Refused(ValueError):
    """An input the pest rules refuse. `code` is stable (one of CODES), `field` names the input at
    fault, `params` fill the message, `message` is English."""

    def __init__(self, code: str, message: str, *, field: str | None = None, **params: Any):
        super().__init__(message)
        self.code = code
        self.field = field
        self.params = params
        self.message = message
