"""The register's inputs as typed models: one per kind, used by the forms, the import rows and
the coming API alike. Pure field rules live here (lengths read from the columns, phone numbers,
categories, types); rules that need the database (parent in scope, unique names) stay in
places.services."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import AfterValidator, BeforeValidator, Field

from hygiene.core.schemas import InputModel, RecordId, no_control_characters, parse_input, refusal
from hygiene.errors import InvalidFields
from hygiene.places import rules
from hygiene.places.kinds import Kind
from hygiene.places.models import Cleaner, Household, Township, Unit, Village


class RecordInvalid(InvalidFields):
    """One or more fields of a register record are wrong."""


def _clean(value: object) -> str:
    """The text the way a person means it (rules.clean_text), without control characters."""
    text = rules.clean_text(value)
    no_control_characters(text)
    return text


def _required(text: str) -> str:
    if not text:
        raise refusal(_("This field is required."))
    return text


def _phone(text: str) -> str:
    if not text:
        return text
    phone = rules.normalise_phone(text)
    if phone is None:
        raise refusal(_("“%(value)s” is not a valid phone number (11-digit mobile or landline "
                        "with area code).", value=text))
    return phone


def _category(text: str) -> str:
    code = rules.category_code(text)
    if text and code is None:
        raise refusal(_("Unknown unit category “%(value)s”.", value=text))
    return code or ""


def _kind(choices: dict, aliases: dict[str, str]) -> Callable[[str], str]:
    def code_of(text: str) -> str:
        code = rules.kind_code(text, choices, aliases)
        if code is None:
            raise refusal(_("Unknown type “%(value)s”.", value=text))
        return code
    return code_of


def fits(column: Any, **field: Any) -> Any:
    """At most as long as the model's column allows (the JSON Schema's maxLength too). Read
    from the table, not the mapped attribute, so importing this module configures no mapper."""
    return Field(max_length=column.class_.__table__.c[column.key].type.length, **field)


Clean = BeforeValidator(_clean)
Required = AfterValidator(_required)
Phone = AfterValidator(_phone)
PHONE = "11-digit mobile or landline with area code; separators and +86 are dropped"


class TownshipInput(InputModel):
    name: Annotated[str, fits(Township.name), Clean, Required]
    kind: Annotated[str, fits(Township.kind, description="township or street (乡, 镇, 街道 too)"), Clean,
                    AfterValidator(_kind(rules.TOWNSHIP_KINDS, rules.TOWNSHIP_KIND_ALIASES))] = "township"
    contact_name: Annotated[str, fits(Township.contact_name), Clean] = ""
    contact_phone: Annotated[str, fits(Township.contact_phone, description=PHONE), Clean, Phone] = ""


class VillageInput(InputModel):
    township_id: RecordId = None
    name: Annotated[str, fits(Village.name), Clean, Required]
    kind: Annotated[str, fits(Village.kind, description="village or community (村, 社区 too)"), Clean,
                    AfterValidator(_kind(rules.VILLAGE_KINDS, rules.VILLAGE_KIND_ALIASES))] = "village"
    contact_name: Annotated[str, fits(Village.contact_name), Clean] = ""
    contact_phone: Annotated[str, fits(Village.contact_phone, description=PHONE), Clean, Phone] = ""


class UnitInput(InputModel):
    village_id: RecordId = None
    name: Annotated[str, fits(Unit.name), Clean, Required]
    category: Annotated[str, fits(Unit.category, description=(
        "a unit category code (" + ", ".join(rules.UNIT_CATEGORIES) + ") or its Chinese label")), Clean,
        AfterValidator(_category), Required]
    address: Annotated[str, fits(Unit.address), Clean] = ""
    contact_name: Annotated[str, fits(Unit.contact_name), Clean] = ""
    contact_phone: Annotated[str, fits(Unit.contact_phone, description=PHONE), Clean, Phone] = ""


class HouseholdInput(InputModel):
    village_id: RecordId = None
    group_name: Annotated[str, fits(Household.group_name), Clean] = ""
    head_name: Annotated[str, fits(Household.head_name), Clean, Required]
    phone: Annotated[str, fits(Household.phone, description=PHONE), Clean, Phone] = ""
    address: Annotated[str, fits(Household.address), Clean] = ""


class CleanerInput(InputModel):
    village_id: RecordId = None
    name: Annotated[str, fits(Cleaner.name), Clean, Required]
    section: Annotated[str, fits(Cleaner.section), Clean] = ""
    phone: Annotated[str, fits(Cleaner.phone, description=PHONE), Clean, Phone] = ""


PlaceInput = TownshipInput | VillageInput | UnitInput | HouseholdInput | CleanerInput
INPUTS: dict[str, type[PlaceInput]] = {
    "townships": TownshipInput, "villages": VillageInput, "units": UnitInput,
    "households": HouseholdInput, "cleaners": CleanerInput}


def place_input(kind: Kind, data: Mapping[str, Any]) -> PlaceInput:
    """The checked input of a `kind` record from a form's data or an import row, or
    RecordInvalid with every field's message."""
    return parse_input(INPUTS[kind.slug], data, invalid=RecordInvalid)
