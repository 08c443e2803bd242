"""The ledger's forms: they carry input (with CSRF); pests.schemas and pests.services check it."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from hygiene.pests.quantities import UNITS
from hygiene.pests.schemas import ENTERED_KINDS, MOVEMENT_KINDS
from hygiene.pests.words import UNIT_WORDS


class ProductForm(FlaskForm):
    name = StringField(_l("Name"))
    active_ingredient = StringField(_l("Active ingredient"))
    registration_number = StringField(_l("Pesticide registration number"))
    form = StringField(_l("Formulation"))
    unit = SelectField(_l("Measure"), choices=[], validate_choice=False)
    expiry = DateField(_l("Expiry date"), validators=[Optional()])
    minimum_stock = StringField(_l("Minimum stock"))
    active = BooleanField(_l("In use"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit.choices = [SelectChoice(u, str(UNIT_WORDS.get(u, u))) for u in UNITS]


class MovementForm(FlaskForm):
    kind = SelectField(_l("Type"), choices=[], validate_choice=False)
    quantity = StringField(_l("Quantity"))
    moved_on = DateField(_l("Date"), validators=[Optional()])
    village_id = SelectField(_l("Village / community"), choices=[], validate_choice=False)
    unit_id = SelectField(_l("Unit"), choices=[], validate_choice=False)
    taker_name = StringField(_l("Taken by"))
    signature = StringField(_l("Signature (the taker types their name)"))
    note = StringField(_l("Note"))
    form_key = HiddenField()

    def prepare(self, villages, units) -> None:
        self.kind.choices = [SelectChoice(k, str(MOVEMENT_KINDS[k])) for k in ENTERED_KINDS]
        self.village_id.choices = [SelectChoice("", "—")] + [SelectChoice(str(v.id), v.name) for v in villages]
        names = {v.id: v.name for v in villages}
        self.unit_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(u.id), f"{names[u.village_id]} · {u.name}" if u.village_id in names else u.name)
            for u in units]


class MonthsField(SelectMultipleField):
    """The months 1-12 as a row of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PestSettingsForm(FlaskForm):
    spray_months = MonthsField(_l("Peak spraying season (months)"), choices=[], validate_choice=False)
    spray_every_days_min = StringField(_l("Spray a round at least every (shortest interval, days)"),
                                       render_kw={"inputmode": "numeric"})
    spray_every_days_max = StringField(_l("… and at most every (longest interval, days)"),
                                       render_kw={"inputmode": "numeric"})
    days_before_end = StringField(_l("Remind a village behind on its round this many days before the round ends"),
                                  render_kw={"inputmode": "numeric"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.spray_months.choices = [SelectChoice(str(m), str(_l("Month %(month)d", month=m))) for m in range(1, 13)]
