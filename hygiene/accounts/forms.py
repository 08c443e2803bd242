"""Sign-in and user management forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from hygiene.accounts.models import Role, User
from hygiene.accounts.schemas import MAX_PASSWORD_LENGTH
from hygiene.core.input import fits

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator (hygiene office)"),
    Role.INSPECTOR: _l("Inspector"),
    Role.VILLAGE_CONTACT: _l("Village contact"),
    Role.UNIT_CONTACT: _l("Unit contact"),
}


class LoginForm(FlaskForm):
    username = StringField(_l("User name"), validators=[InputRequired(_l("Enter your user name.")),
                                                        fits(User.username)])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password.")),
                                                        Length(max=MAX_PASSWORD_LENGTH, message=_l("At most %(max)d characters."))])
    remember = BooleanField(_l("Keep me signed in on this device"))
    submit = SubmitField(_l("Sign in"))


class UserForm(FlaskForm):
    username = StringField(_l("User name"), validators=[fits(User.username)])
    display_name = StringField(_l("Full name"), validators=[fits(User.display_name)])
    phone = StringField(_l("Mobile phone"), validators=[fits(User.phone)])
    email = StringField(_l("E-mail"), validators=[fits(User.email)])
    notify_by_email = BooleanField(_l("Notifications by e-mail"), default=True)
    notify_by_sms = BooleanField(_l("Notifications by text message"), default=True)
    role = SelectField(_l("Role"), choices=[], validate_choice=False)
    township_id = SelectField(_l("Township"), choices=[], validate_choice=False, coerce=str)
    village_id = SelectField(_l("Village / community"), choices=[], validate_choice=False, coerce=str)
    unit_id = SelectField(_l("Unit"), choices=[], validate_choice=False, coerce=str)
    password = PasswordField(_l("Password"), validators=[Length(max=MAX_PASSWORD_LENGTH, message=_l("At most %(max)d characters."))])
    submit = SubmitField(_l("Save"))

    def prepare(self, scope) -> None:
        from hygiene.places.queries import visible_townships, visible_units, visible_villages

        self.role.choices = [(r.value, str(label)) for r, label in ROLE_LABELS.items()]
        blank = [("", "—")]
        self.township_id.choices = blank + [(str(t.id), t.name) for t in visible_townships(scope)]
        self.village_id.choices = blank + [(str(v.id), v.name) for v in visible_villages(scope)]
        self.unit_id.choices = blank + [(str(u.id), f"{u.village.name} · {u.name}")
                                        for u in visible_units(scope)]


class ContactForm(FlaskForm):
    """A user's own contact details and the channels they want notifications on."""

    phone = StringField(_l("Mobile phone"), validators=[fits(User.phone)])
    email = StringField(_l("E-mail"), validators=[fits(User.email)])
    notify_by_email = BooleanField(_l("Send me notifications by e-mail"))
    notify_by_sms = BooleanField(_l("Send me notifications by text message"))
    submit = SubmitField(_l("Save"))


class PasswordChangeForm(FlaskForm):
    """A user's own new password: the current one first, the new one twice."""

    current_password = PasswordField(_l("Current password"), validators=[
        InputRequired(_l("Enter your current password.")),
        Length(max=MAX_PASSWORD_LENGTH, message=_l("At most %(max)d characters."))])
    new_password = PasswordField(_l("New password"), validators=[
        InputRequired(_l("Enter a new password.")),
        Length(max=MAX_PASSWORD_LENGTH, message=_l("At most %(max)d characters."))])
    confirm_password = PasswordField(_l("New password again"), validators=[
        InputRequired(_l("Enter the new password a second time.")),
        Length(max=MAX_PASSWORD_LENGTH, message=_l("At most %(max)d characters."))])
    submit = SubmitField(_l("Change password"))
