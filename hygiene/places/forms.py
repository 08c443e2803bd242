"""One form per register kind; the services hold the rules, the forms only carry input."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField

from hygiene.places import rules


def _choices(table: dict) -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in table.items()]


class RegisterForm(FlaskForm):
    submit = SubmitField(_l("Save"))


class TownshipForm(RegisterForm):
    name = StringField(_l("Name"))
    kind = SelectField(_l("Type"), choices=[], validate_choice=False)
    contact_name = StringField(_l("Contact person"))
    contact_phone = StringField(_l("Phone"))

    def prepare(self, scope) -> None:
        self.kind.choices = _choices(rules.TOWNSHIP_KINDS)


class VillageForm(RegisterForm):
    township_id = SelectField(_l("Township"), choices=[], validate_choice=False, coerce=str)
    name = StringField(_l("Name"))
    kind = SelectField(_l("Type"), choices=[], validate_choice=False)
    contact_name = StringField(_l("Contact person"))
    contact_phone = StringField(_l("Phone"))

    def prepare(self, scope) -> None:
        from hygiene.places.queries import visible_townships

        self.kind.choices = _choices(rules.VILLAGE_KINDS)
        self.township_id.choices = [(str(t.id), t.name) for t in visible_townships(scope)]


class VillageChildForm(RegisterForm):
    village_id = SelectField(_l("Village / community"), choices=[], validate_choice=False, coerce=str)

    def prepare(self, scope) -> None:
        from hygiene.places.queries import visible_villages

        self.village_id.choices = [(str(v.id), v.name) for v in visible_villages(scope)]


class UnitForm(VillageChildForm):
    name = StringField(_l("Name"))
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    address = StringField(_l("Address"))
    contact_name = StringField(_l("Contact person"))
    contact_phone = StringField(_l("Phone"))

    def prepare(self, scope) -> None:
        super().prepare(scope)
        self.category.choices = [("", "—"), *_choices(rules.UNIT_CATEGORIES)]


class HouseholdForm(VillageChildForm):
    group_name = StringField(_l("Village group"))
    head_name = StringField(_l("Head of household"))
    phone = StringField(_l("Phone"))
    address = StringField(_l("Address"))


class CleanerForm(VillageChildForm):
    name = StringField(_l("Full name"))  # a person: 姓名, as the import template says
    section = StringField(_l("Responsibility section"))
    phone = StringField(_l("Phone"))


FORMS = {"townships": TownshipForm, "villages": VillageForm, "units": UnitForm,
         "households": HouseholdForm, "cleaners": CleanerForm}
