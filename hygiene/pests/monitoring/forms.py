"""The monitoring entry form: its count fields come from the method in the standards data."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from hygiene.clock import local_today
from hygiene.pests import surveys
from hygiene.pests.standards import Method
from hygiene.pests.words import in_reader_language

COUNT_PREFIX = "count_"


class MonitoringForm(FlaskForm):
    village_id = SelectField(_l("Village / community"), choices=[], validate_choice=False)
    # the township's units grouped by village; the service checks the unit is of the chosen village
    unit_id = SelectField(_l("Unit (optional)"), choices=[], validate_choice=False)
    surveyed_on = DateField(_l("Survey date"), validators=[Optional()], default=local_today)
    note = TextAreaField(_l("Note"))
    request_key = HiddenField()  # one per form shown: sending it twice makes one record

    def counts(self) -> dict[str, str]:
        """The typed counts under the data's field names."""
        return {name[len(COUNT_PREFIX):]: field.data for name, field in self._fields.items()
                if name.startswith(COUNT_PREFIX)}


def monitoring_form(method: Method, **kwargs) -> MonitoringForm:
    """A form with one field per raw count of `method`, labelled from counts.yaml."""
    fields = {f"{COUNT_PREFIX}{name}": StringField(in_reader_language(surveys.COUNT_LABELS[name]),
                                                   render_kw={"inputmode": "decimal"})
              for name in surveys.fields_of(method)}
    form_class = type("MethodMonitoringForm", (MonitoringForm,), fields)
    return form_class(**kwargs)
