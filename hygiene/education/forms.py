"""The health-education forms (with CSRF); education.schemas checks the input."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from hygiene.clock import local_today
from hygiene.education.cadence import WINDOW_MONTHS
from hygiene.education.kinds import ActivityKind, SubjectKind
from hygiene.education.schemas import target_field


class ActivityForm(FlaskForm):
    subject = SelectField(_l("Village or unit"), choices=[], validate_choice=False)
    kind = SelectField(_l("Activity"), choices=[], validate_choice=False)
    held_on = DateField(_l("Held on"), validators=[Optional()], default=local_today)
    topic = StringField(_l("Topic"))
    attendance = StringField(_l("Attendance (people)"), render_kw={"inputmode": "numeric"})
    note = TextAreaField(_l("Note"))
    request_key = HiddenField()

    def prepare(self, subjects: list[tuple[str, str]]) -> None:
        self.subject.choices = ([] if len(subjects) == 1 else [SelectChoice("", "—")]) + [
            SelectChoice(value, label) for value, label in subjects]
        self.kind.choices = [SelectChoice("", "—")] + [SelectChoice(k.value, k.label) for k in ActivityKind]


def _window_choices() -> list[SelectChoice]:
    words = {1: _l("each month"), 2: _l("every 2 months"), 3: _l("each quarter"), 4: _l("every 4 months"),
             6: _l("each half year"), 12: _l("each year")}
    return [SelectChoice(str(m), words[m]) for m in WINDOW_MONTHS]


class SettingsForm(FlaskForm):
    remind_days_before = StringField(_l("Remind a contact this many days before a period ends"),
                                     render_kw={"inputmode": "numeric"})
    count_from = DateField(_l("Count the cadence from"), validators=[Optional()])

    def rows(self) -> list[tuple[ActivityKind, list[tuple]]]:
        """The targets table: per kind, per subject kind, the (every, at least) fields."""
        return [(k, [(self[target_field(s, k, "every")], self[target_field(s, k, "at_least")]) for s in SubjectKind])
                for k in ActivityKind]


for _s in SubjectKind:
    for _k in ActivityKind:
        setattr(SettingsForm, target_field(_s, _k, "every"),
                SelectField(_l("Period"), choices=_window_choices(), validate_choice=False))
        setattr(SettingsForm, target_field(_s, _k, "at_least"),
                StringField(_l("At least"), render_kw={"inputmode": "numeric", "size": 3}))
