"""The checklist builder and import forms; the spec (checklists.spec) holds every rule.

The builder works without JavaScript: its rows travel as plain nested data ("rows"), the
buttons add, remove and reorder rows in that data, and the form is drawn again from it.
Only "save" turns the rows into the plain template dict that spec.parse_template checks.
"""
from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from hygiene.checklists.spec import Problem, TemplateSpec
from hygiene.places.rules import UNIT_CATEGORIES

IMPORT_MAX_BYTES = 1024 * 1024
TARGET_KIND_LABELS = {"village": _l("Village / community"), "unit": _l("Unit"),
                      "household": _l("Household"), "cleaner": _l("Cleaner")}
TARGET_KIND_PLURALS = {"village": _l("villages"), "unit": _l("units"),
                       "household": _l("households"), "cleaner": _l("cleaners")}
SCORING_LABELS = {"pass_fail": _l("Pass / fail"), "deduction": _l("Points off per finding"),
                  "grade": _l("Graded from 0 to full points")}
SEVERITY_LABELS = {"normal": _l("Normal"), "serious": _l("Serious"), "urgent": _l("Urgent")}


def options(table: dict) -> list[SelectChoice]:
    """Choices for a select from a {code: label} table."""
    return [SelectChoice(code, label) for code, label in table.items()]


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ItemForm(Form):
    position = StringField(_l("Order"))
    text = StringField(_l("Item"))
    points = StringField(_l("Points"))
    scoring = SelectField(_l("Scoring"), choices=options(SCORING_LABELS), validate_choice=False)
    deduction_step = StringField(_l("Points off per finding"))
    veto = BooleanField(_l("Veto ★"))
    photo_on_fail = BooleanField(_l("Photo required when failed"))
    severity = SelectField(_l("Severity"), choices=options(SEVERITY_LABELS), validate_choice=False)
    guidance = TextAreaField(_l("Guidance for the inspector"))
    remove = BooleanField(_l("Remove"))


class SectionForm(Form):
    position = StringField(_l("Order"))
    title = StringField(_l("Section title"))
    remove = BooleanField(_l("Remove this section"))
    items = FieldList(FormField(ItemForm))


class BandForm(Form):
    label = StringField(_l("Grade"))
    min = StringField(_l("From score"))
    remove = BooleanField(_l("Remove"))


class TemplateForm(FlaskForm):
    """The whole checklist: template fields, grade bands, and sections with their items."""

    name = StringField(_l("Name"))
    applies_to = SelectField(_l("Checks"), choices=options(TARGET_KIND_LABELS),
                             validate_choice=False)
    unit_categories = MultiCheckboxField(_l("Unit categories"), validate_choice=False,
                                         choices=options(UNIT_CATEGORIES))
    pass_mark = StringField(_l("Pass mark"))
    draft = BooleanField(_l("Draft: the points still need the office's review"))
    description = TextAreaField(_l("Description"))
    source = StringField(_l("Source (standard or document it follows)"))
    bands = FieldList(FormField(BandForm))
    sections = FieldList(FormField(SectionForm))

    def rows(self, *, drop_blank: bool) -> dict:
        """The posted form as plain rows: removed rows gone, rows sorted by their order field."""
        data = {k: v for k, v in self.data.items() if k != "csrf_token"}
        data["bands"] = [b for b in data["bands"] if not b["remove"]
                         and not (drop_blank and _blank(b, ("label", "min")))]
        sections = []
        for section in _ordered(data["sections"]):
            items = [i for i in _ordered(section["items"]) if not i["remove"]
                     and not (drop_blank and _blank(i, ("text", "points", "deduction_step", "guidance")))]
            if section["remove"] or (drop_blank and not items and _blank(section, ("title",))):
                continue
            sections.append({**section, "items": _numbered(items)})
        data["sections"] = _numbered(sections)
        return data

    def problems_shown(self, problems: list[Problem]) -> None:
        """Put each spec problem beside its field and, numbered for people, at the top."""
        for problem in problems:
            name = next((p for p in reversed(problem.location) if isinstance(p, str)), "")
            target = self._field_at(problem.location)
            text = problem_text(problem)
            if target is not None:
                target.errors = [*target.errors, text]
            label = _FIELD_LABELS.get(name) or (target.label.text if target is not None else None)
            self.form_errors.append(_located(problem.location, label, text))

    def _field_at(self, location: tuple):
        """The form field at a spec location, e.g. ("sections", 0, "items", 2, "points");
        None for the whole template or a whole row."""
        field = self
        try:
            for part in location:
                field = field[part]
        except (IndexError, KeyError, TypeError):
            return None
        return None if field is self or isinstance(field, FormField) else field


class ImportForm(FlaskForm):
    file = FileField(_l("Checklist file (.yaml, .yml or .json)"),
                     validators=[FileRequired(_l("Choose the file to import."))])


def builder_form(rows: dict | None) -> TemplateForm:
    """A builder form drawn from plain rows (not from the request)."""
    return TemplateForm(formdata=None, data=rows or blank_rows())


def blank_rows() -> dict:
    """A new checklist: one section with one item and the usual pass mark."""
    return {"name": "", "applies_to": "village", "unit_categories": [], "pass_mark": "60",
            "draft": False, "description": "", "source": "", "bands": [],
            "sections": [{"position": "1", "title": "", "remove": False, "items": [_blank_item(1)]}]}


def rows_from_spec(spec: TemplateSpec) -> dict:
    """The rows of a stored checklist, for editing it."""
    return {
        "name": spec.name, "applies_to": spec.applies_to,
        "unit_categories": list(spec.unit_categories), "pass_mark": _num(spec.pass_mark),
        "draft": spec.draft, "description": spec.description, "source": spec.source,
        "bands": [{"label": b.label, "min": _num(b.min), "remove": False} for b in spec.bands],
        "sections": [{"position": str(s_no), "title": s.title, "remove": False, "items": [
            {"position": str(i_no), "text": i.text, "points": _num(i.points), "scoring": i.scoring,
             "deduction_step": _num(i.deduction_step), "veto": i.veto,
             "photo_on_fail": i.photo_on_fail, "severity": i.severity, "guidance": i.guidance,
             "remove": False} for i_no, i in enumerate(s.items, start=1)]}
            for s_no, s in enumerate(spec.sections, start=1)],
    }


def rows_changed(rows: dict, action: tuple[str, int | None]) -> dict:
    """Apply a builder button (add a section, an item or a band) to the rows."""
    name, index = action
    if name == "add_section":
        rows["sections"].append({"position": str(len(rows["sections"]) + 1), "title": "",
                                 "remove": False, "items": [_blank_item(1)]})
    elif name == "add_item" and index is not None and 0 <= index < len(rows["sections"]):
        items = rows["sections"][index]["items"]
        items.append(_blank_item(len(items) + 1))
    elif name == "add_band":
        rows["bands"].append({"label": "", "min": "", "remove": False})
    return rows


def builder_action(form_data) -> tuple[str, int | None]:
    """Which builder button was pressed: save, add_section, add_item (with its section), ..."""
    for name in ("save", "add_section", "add_band"):
        if name in form_data:
            return name, None
    if "add_item" in form_data:
        try:
            return "add_item", int(form_data["add_item"])
        except ValueError:
            return "refresh", None
    return "refresh", None


def spec_data(rows: dict, *, code: str = "") -> dict:
    """The plain template dict that spec.parse_template takes, from builder rows."""
    unit = rows["applies_to"] == "unit"
    return {
        "code": code, "name": rows["name"], "applies_to": rows["applies_to"],
        "unit_categories": rows["unit_categories"] if unit else [],
        "pass_mark": rows["pass_mark"], "draft": rows["draft"],
        "description": rows["description"], "source": rows["source"],
        "bands": [{"label": b["label"], "min": b["min"]} for b in rows["bands"]],
        "sections": [{"title": s["title"], "items": [_item_data(i) for i in s["items"]]}
                     for s in rows["sections"]],
    }


def _item_data(item: dict) -> dict:
    deduction = item["scoring"] == "deduction"
    return {"text": item["text"], "points": item["points"], "scoring": item["scoring"],
            "deduction_step": item["deduction_step"] if deduction else None,
            "veto": item["veto"], "photo_on_fail": item["photo_on_fail"],
            "severity": item["severity"], "guidance": item["guidance"]}


def _blank_item(position: int) -> dict:
    return {"position": str(position), "text": "", "points": "", "scoring": "pass_fail",
            "deduction_step": "", "veto": False, "photo_on_fail": False, "severity": "normal",
            "guidance": "", "remove": False}


def _blank(row: dict, keys: tuple[str, ...]) -> bool:
    return not any((row.get(k) or "").strip() for k in keys)


def _ordered(rows: list[dict]) -> list[dict]:
    """Rows sorted by the order number people typed; rows without one keep their place."""
    def key(pair):
        index, row = pair
        try:
            return float(row.get("position") or ""), index
        except ValueError:
            return float(index + 1), index
    return [row for _i, row in sorted(enumerate(rows), key=key)]


def _numbered(rows: list[dict]) -> list[dict]:
    return [{**row, "position": str(n)} for n, row in enumerate(rows, start=1)]


def _num(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


# --- spec problems in words people read --------------------------------------------------

_PROBLEMS = {
    "required": _l("This field is required."),
    "more_than_zero": _l("Must be more than 0."),
    "not_finite": _l("Enter a number."),
    "percent": _l("Must be between 0 and 100."),
    "deduction_step": _l("A deduction item needs the points taken off per finding."),
    "no_sections": _l("A checklist needs at least one section."),
    "empty_section": _l("Every section needs at least one item."),
    "bands_order": _l("List the grades from the highest starting score down, each score once."),
    "bands_last": _l("The last grade must start at 0 so every score has a grade."),
    "choice": _l("Choose a value from the list."),
}
_FIELD_LABELS = {"name": _l("Name"), "applies_to": _l("Checks"), "pass_mark": _l("Pass mark"),
                 "sections": _l("Sections"), "bands": _l("Grades")}


def problem_text(problem: Problem) -> str:
    """A spec problem in the reader's language (the spec's English where it has no words)."""
    if problem.code == "not_a_number":
        return _("“%(value)s” is not a number.", value=problem.value)
    if problem.code in _PROBLEMS:
        return str(_PROBLEMS[problem.code])
    return problem.message


def _located(location: tuple, label, text: str) -> str:
    """The problem with its place in words: "Section 1, item 3: Points: ..."."""
    if label:
        text = _("%(field)s: %(problem)s", field=label, problem=text)
    indexes = [part for part in location if isinstance(part, int)]
    if location[:1] == ("bands",) and indexes:
        return _("Grade %(b)d: %(problem)s", b=indexes[0] + 1, problem=text)
    if len(indexes) >= 2:
        return _("Section %(s)d, item %(i)d: %(problem)s", s=indexes[0] + 1, i=indexes[1] + 1,
                 problem=text)
    if indexes:
        return _("Section %(s)d: %(problem)s", s=indexes[0] + 1, problem=text)
    return text
