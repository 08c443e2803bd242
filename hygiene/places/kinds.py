"""The five kinds of register record, described once for services, views and imports."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from hygiene.places.models import Cleaner, Household, Township, Unit, Village


@dataclass(frozen=True)
class Column:
    attr: str
    label: object
    choices: str | None = None  # name of a choices table in places.rules, for display


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type[Any]  # any register model: columns are read by name
    label: object
    plural: object
    fields: tuple[str, ...]          # what a form or an import row may set
    unique: tuple[str, ...]          # natural key within the parent, refused when repeated
    parent: str | None               # "township" or "village"
    columns: tuple[Column, ...]      # list-page columns
    search: tuple[str, ...]          # attributes matched by the search box
    required: tuple[str, ...] = ("name",)
    load: tuple = field(default=())  # loader options so a list page costs a fixed number of queries

    @property
    def parent_attr(self) -> str | None:
        return f"{self.parent}_id" if self.parent else None


TOWNSHIPS = Kind(
    slug="townships", model=Township, label=_l("Township"), plural=_l("Townships"),
    fields=("name", "kind", "contact_name", "contact_phone"), unique=("name",), parent=None,
    columns=(Column("name", _l("Name")), Column("kind", _l("Type"), "TOWNSHIP_KINDS"),
             Column("contact_name", _l("Contact person")), Column("contact_phone", _l("Phone"))),
    search=("name", "contact_name"),
)
VILLAGES = Kind(
    slug="villages", model=Village, label=_l("Village / community"),
    plural=_l("Villages and communities"),
    fields=("township_id", "name", "kind", "contact_name", "contact_phone"),
    unique=("name",), parent="township",
    columns=(Column("name", _l("Name")), Column("kind", _l("Type"), "VILLAGE_KINDS"),
             Column("township", _l("Township")), Column("contact_name", _l("Contact person")),
             Column("contact_phone", _l("Phone"))),
    search=("name", "contact_name"), load=(joinedload(Village.township),),
)
UNITS = Kind(
    slug="units", model=Unit, label=_l("Unit"), plural=_l("Units"),
    fields=("village_id", "name", "category", "address", "contact_name", "contact_phone"),
    unique=("name",), parent="village", required=("name", "category"),
    columns=(Column("name", _l("Name")), Column("category", _l("Category"), "UNIT_CATEGORIES"),
             Column("village", _l("Village / community")), Column("contact_name", _l("Contact person")),
             Column("contact_phone", _l("Phone"))),
    search=("name", "address", "contact_name"), load=(joinedload(Unit.village),),
)
HOUSEHOLDS = Kind(
    slug="households", model=Household, label=_l("Household"), plural=_l("Households"),
    fields=("village_id", "group_name", "head_name", "phone", "address"),
    unique=("group_name", "head_name"), parent="village", required=("head_name",),
    columns=(Column("head_name", _l("Head of household")), Column("group_name", _l("Village group")),
             Column("village", _l("Village / community")), Column("phone", _l("Phone"))),
    search=("head_name", "group_name", "address"), load=(joinedload(Household.village),),
)
CLEANERS = Kind(
    slug="cleaners", model=Cleaner, label=_l("Cleaner"), plural=_l("Cleaners"),
    fields=("village_id", "name", "section", "phone"), unique=("name",), parent="village",
    columns=(Column("name", _l("Name")), Column("section", _l("Responsibility section")),
             Column("village", _l("Village / community")), Column("phone", _l("Phone"))),
    search=("name", "section"), load=(joinedload(Cleaner.village),),
)

KINDS: dict[str, Kind] = {k.slug: k for k in (TOWNSHIPS, VILLAGES, UNITS, HOUSEHOLDS, CLEANERS)}


def kind_of(record: object) -> Kind:
    """Return the Kind describing a register record."""
    return next(k for k in KINDS.values() if isinstance(record, k.model))
