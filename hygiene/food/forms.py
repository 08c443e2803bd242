"""The food registers' forms (with CSRF); food.schemas and food.services check the input."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from hygiene.clock import local_today
from hygiene.food.words import KIND_LABELS, MEAL_LABELS


class BanquetForm(FlaskForm):
    village_id = SelectField(_l("Village / community"), choices=[], validate_choice=False)
    kind = SelectField(_l("Occasion"), choices=[], validate_choice=False)
    host_name = StringField(_l("Host"))
    host_phone = StringField(_l("Host's phone"))
    banquet_on = DateField(_l("Date"), validators=[Optional()])
    meal = SelectField(_l("Meal"), choices=[], validate_choice=False)
    place = StringField(_l("Place"))
    tables = StringField(_l("Tables"), render_kw={"inputmode": "numeric"})
    diners = StringField(_l("Diners"), render_kw={"inputmode": "numeric"})
    cook_name = StringField(_l("Cook"))
    cook_phone = StringField(_l("Cook's phone"))
    cook_cert_number = StringField(_l("Cook's health certificate No. (empty: none shown)"))
    cook_cert_expires_on = DateField(_l("Cook's health certificate valid until"), validators=[Optional()])
    note = TextAreaField(_l("Note (menu, helpers...)"))
    request_key = HiddenField()

    def prepare(self, villages: list) -> None:
        self.village_id.choices = [SelectChoice("", "—")] + [SelectChoice(str(v.id), v.name) for v in villages]
        if len(villages) == 1 and not self.village_id.data:
            self.village_id.data = str(villages[0].id)
        self.kind.choices = [SelectChoice(key, str(label)) for key, label in KIND_LABELS.items()]
        self.meal.choices = [SelectChoice(key, str(label)) for key, label in MEAL_LABELS.items()]


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CheckForm(FlaskForm):
    checked_on = DateField(_l("Checked on"), validators=[Optional()], default=local_today)
    points = MultiCheckboxField(_l("What was in order"), choices=[], validate_choice=False)
    result = SelectField(_l("Result"), choices=[SelectChoice("pass", _l("Check passed")), SelectChoice("fail", _l("Failed: to be corrected"))],
                         validate_choice=False)
    check_note = TextAreaField(_l("Findings and what was asked of the host"))

    def prepare(self, points: list[tuple[str, str]]) -> None:
        self.points.choices = [SelectChoice(key, name) for key, name in points]


class CertificateForm(FlaskForm):
    unit_id = SelectField(_l("Unit"), choices=[], validate_choice=False)
    worker_name = StringField(_l("Worker"))
    number = StringField(_l("Certificate No."))
    issued_on = DateField(_l("Date of issue"), validators=[Optional()])
    expires_on = DateField(_l("Valid until (empty: one year from issue)"), validators=[Optional()])
    request_key = HiddenField()

    def prepare(self, units: list) -> None:
        self.unit_id.choices = [SelectChoice("", "—")] + [SelectChoice(str(u.id), u.name) for u in units]
        if len(units) == 1 and not self.unit_id.data:
            self.unit_id.data = str(units[0].id)


class FoodSettingsForm(FlaskForm):
    days_ahead = StringField(_l("Register banquets at least this many days ahead"))
    check_min_diners = StringField(_l("On-site check from this many diners"))
    remind_days = StringField(_l("Remind of an expiring health certificate this many days before"))

