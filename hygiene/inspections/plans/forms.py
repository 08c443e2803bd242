"""The inspection plan form; planning.plan_create checks every field."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import Optional

from hygiene.checklists.forms import TARGET_KIND_LABELS, MultiCheckboxField, options
from hygiene.clock import local_today
from hygiene.core.input import fits
from hygiene.inspections.models import InspectionPlan
from hygiene.places.rules import UNIT_CATEGORIES

TARGET_MODE_LABELS = {"all": _l("All targets the checklist is for"),
                      "category": _l("All units of one category"),
                      "sample": _l("A random sample"),
                      "list": _l("Targets I choose from the list")}
RECURRENCE_LABELS = {"once": _l("Once"), "weekly": _l("Every week"), "monthly": _l("Every month"),
                     "quarterly": _l("Every quarter")}


class PlanForm(FlaskForm):
    name = StringField(_l("Name"), validators=[fits(InspectionPlan.name)])
    template_id = SelectField(_l("Checklist"), choices=[], validate_choice=False)
    target_mode = RadioField(_l("What to inspect"), choices=options(TARGET_MODE_LABELS),
                             default="all", validate_choice=False)
    target_ids = MultiCheckboxField(_l("Targets"), choices=[], validate_choice=False)
    unit_category = SelectField(_l("Unit category"), choices=[], validate_choice=False)
    sample_size = StringField(_l("How many to draw"))
    recurrence = SelectField(_l("How often"), choices=options(RECURRENCE_LABELS),
                             default="monthly", validate_choice=False)
    start_date = DateField(_l("Start date"), validators=[Optional()], default=local_today)
    end_date = DateField(_l("End date (optional)"), validators=[Optional()])
    days_allowed = StringField(_l("Days to complete each round"), default="7")
    cross_check = BooleanField(_l("Cross-check"))
    backfill = BooleanField(_l("Also inspect the periods that are already over"))
    backfill_count = HiddenField()  # the count of those inspections the office has been shown
    request_key = HiddenField()  # one per form shown: sending it twice makes one plan
    inspector_ids = MultiCheckboxField(_l("Inspectors"), choices=[], validate_choice=False)

    def prepare(self, *, templates, inspectors) -> None:
        """Fill the choices: visible active checklists and the township's inspectors."""
        self.template_id.choices = [SelectChoice("", "—")] + [
            SelectChoice(str(t.id), f"{t.name}（{TARGET_KIND_LABELS.get(t.applies_to, t.applies_to)}）")
            for t in templates]
        self.unit_category.choices = [SelectChoice("", "—"), *options(UNIT_CATEGORIES)]
        self.inspector_ids.choices = [
            SelectChoice(str(u.id), f"{u.display_name}（{u.username}）"
                         + (f" · {u.village.name}" if u.village else ""))
            for u in inspectors]

    def chosen_template(self, templates):
        """The checklist picked in the form, if it is one of `templates`."""
        return next((t for t in templates if str(t.id) == (self.template_id.data or "")), None)
