"""A user's input models: the field rules the user form, the contact form and the CLI share."""
import pytest
from pydantic import ValidationError

from hygiene.accounts.models import Role
from hygiene.accounts.schemas import ContactInput, UserInput, UserInvalid, contact_input
from hygiene.core.schemas import field_errors


@pytest.fixture
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


def test_contact_details_come_out_as_stored(english):
    contact = contact_input({"phone": "+86 138 0013 8000", "email": "Li.Hua@QQ.com",
                             "notify_by_email": "y", "notify_by_sms": ""})
    assert contact == ContactInput(phone="13800138000", email="Li.Hua@qq.com",
                                   notify_by_email=True, notify_by_sms=False)


def test_bad_contact_details_are_named_with_the_forms_message(english):
    with pytest.raises(UserInvalid) as error:
        contact_input({"phone": "0571-88123456", "email": "li@", "notify_by_email": "y"})
    assert error.value.errors == {
        "phone": "“0571-88123456” is not a mobile number: 11 digits starting with 1, such as 13800138000.",
        "email": "“li@” is not an e-mail address; it should look like name@example.com."}


def test_a_user_needs_names_and_a_known_role(english):
    with pytest.raises(ValidationError) as error:
        UserInput.model_validate({"username": " ", "role": "mayor", "township_id": "x",
                                  "password": "p" * 129, "display_name": "名\x00字"})
    assert field_errors(error.value) == {
        "username": "This field is required.",
        "display_name": "Remove the control character (such as \\0) from this text.",
        "role": "Choose a value from the list.",
        "township_id": "Choose a value from the list.",
        "password": "At most 128 characters."}


def test_a_password_is_kept_as_typed():
    user = UserInput(username="li", display_name="李", role="inspector", password="  two  spaces ")
    assert user.password == "  two  spaces " and user.role is Role.INSPECTOR


def test_the_user_schema_the_api_will_publish():
    schema = UserInput.model_json_schema()
    assert set(schema["required"]) == {"username", "display_name", "role"}
    assert schema["properties"]["username"]["maxLength"] == 40
    assert set(schema["$defs"]["Role"]["enum"]) == {role.value for role in Role}
    assert "password" in schema["properties"] and "phone" in schema["properties"]
