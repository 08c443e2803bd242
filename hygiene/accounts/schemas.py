"""Users' inputs as typed models (a user as an admin sets it, a user's own contact details),
shared by the forms, the CLI and the coming API. Pure field rules live here; the role's binding
in scope, a free user name and the password rule (which needs the name) stay in the services."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from flask_babel import gettext as _
from pydantic import AfterValidator, Field

from hygiene.accounts.contact import normalise_email, normalise_mobile
from hygiene.accounts.models import Role, User
from hygiene.core.schemas import Flag, InputModel, RecordId, parse_input, refusal
from hygiene.errors import InvalidFields
from hygiene.places.schemas import Clean, Required, fits

MAX_PASSWORD_LENGTH = 128  # hashing a megabyte "password" costs the server, helps nobody


class UserInvalid(InvalidFields):
    """A user form is wrong."""


def _mobile(text: str) -> str:
    phone = normalise_mobile(text)
    if phone is None:
        raise refusal(_("“%(value)s” is not a mobile number: 11 digits starting with 1, "
                           "such as 13800138000.", value=text))
    return phone


def _email(text: str) -> str:
    email = normalise_email(text)
    if email is None:
        raise refusal(_("“%(value)s” is not an e-mail address; it should look like "
                           "name@example.com.", value=text))
    return email


class ContactInput(InputModel):
    """A user's mobile number, e-mail address and the channels they want notifications on."""

    phone: Annotated[str, fits(User.phone, description="an 11-digit mainland mobile number"),
                     Clean, AfterValidator(_mobile)] = ""
    email: Annotated[str, fits(User.email), Clean, AfterValidator(_email)] = ""
    notify_by_email: Flag = False
    notify_by_sms: Flag = False


class UserInput(ContactInput):
    """A user as an administrator creates or changes it; the password only when it changes."""

    username: Annotated[str, fits(User.username), Clean, Required]
    display_name: Annotated[str, fits(User.display_name), Clean, Required]
    role: Annotated[Role, Clean]
    township_id: RecordId = None
    village_id: RecordId = None   # a village contact's village, or an inspector's home village
    unit_id: RecordId = None
    password: Annotated[str, Field(max_length=MAX_PASSWORD_LENGTH)] = ""


def contact_input(data: Mapping[str, Any]) -> ContactInput:
    """The checked contact details from a form, or UserInvalid with every field's message."""
    return parse_input(ContactInput, data, invalid=UserInvalid)
