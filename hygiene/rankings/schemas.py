"""The ranking settings' input as a typed model: one weight per registered component (so a
new component adds its field here by joining the registry), the minimum of inspections and
the length of the red and black lists. All its rules are pure; the service checks who may set
them and that the weights add up to more than zero (rankings.maths)."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import BeforeValidator, create_model

from hygiene.core.schemas import InputModel, parse_input, refusal
from hygiene.errors import InvalidFields
from hygiene.rankings.components import COMPONENTS

MAX_WEIGHT = 1000  # weights are shares (90 and 10 by default); beyond this is a typing slip


class RankingInvalid(InvalidFields):
    """Ranking settings are wrong."""


def _weight(raw: object) -> Decimal:
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise refusal(_("Enter a number.")) from None
    if not value.is_finite():
        raise refusal(_("Enter a number."))
    if value < 0:
        raise refusal(_("A weight cannot be negative."))
    if value > MAX_WEIGHT:
        raise refusal(_("A weight is at most %(max)d.", max=MAX_WEIGHT))
    return value


def _whole(low: int, high: int, message: Callable[[], str]):
    def check(raw: object) -> int:
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            value = low - 1
        if not low <= value <= high:
            raise refusal(message())
        return value
    return check


Weight = Annotated[Decimal, BeforeValidator(_weight)]


class RankingSettingsInput(InputModel):
    """The minimums; the weights are the fields `weight_<component>` (see `weights`)."""

    min_inspections: Annotated[int, BeforeValidator(
        _whole(1, 50, lambda: _("Enter a whole number from 1 to 50.")))]
    list_size: Annotated[int, BeforeValidator(_whole(1, 20, lambda: _("Enter a whole number from 1 to 20.")))]

    def weights(self) -> dict[str, Decimal]:
        """Each registered component's weight, by its key."""
        return {c.key: getattr(self, f"weight_{c.key}") for c in COMPONENTS}


# one field per component of the registry, so the form, the API and the schema follow it
SettingsWithWeights: type[RankingSettingsInput] = create_model(  # type: ignore[call-overload]
    "RankingSettingsInput", __base__=RankingSettingsInput,
    **{f"weight_{c.key}": (Weight, ...) for c in COMPONENTS})


def settings_input(data: Mapping[str, Any]) -> RankingSettingsInput:
    """The checked settings from the form, or RankingInvalid with every field's message."""
    return parse_input(SettingsWithWeights, data, invalid=RankingInvalid)
