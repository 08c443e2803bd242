"""The follow-up problem pages' forms (with CSRF); problem_schemas and problems check the input."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from hygiene.clock import local_today


class ProblemNewForm(FlaskForm):
    toilet_id = HiddenField()
    public_toilet_id = HiddenField()
    sample_id = HiddenField()
    kind = SelectField(_l("Problem"), choices=[], validate_choice=False)
    reported_on = DateField(_l("Found on"), validators=[Optional()], default=local_today)
    note = TextAreaField(_l("What was found"))
    request_key = HiddenField()

    def prepare(self, kinds: list[tuple[str, str]]) -> None:
        self.kind.choices = [SelectChoice("", "—")] + [SelectChoice(key, name) for key, name in kinds]


class ProblemStepForm(FlaskForm):
    note = TextAreaField(_l("Note"))
    request_key = HiddenField()


class ProblemFixForm(ProblemStepForm):
    fixed_on = DateField(_l("Fixed on"), validators=[Optional()], default=local_today)
    fix_note = TextAreaField(_l("What was done (repair, pumping...)"))


class SampleDrawForm(FlaskForm):
    size = StringField(_l("How many (a number, or a share such as 10%)"))
    request_key = HiddenField()


class CheckForm(FlaskForm):
    toilet_id = HiddenField()
    checked_on = DateField(_l("Checked on"), validators=[Optional()], default=local_today)
    note = TextAreaField(_l("Note"))
    request_key = HiddenField()
