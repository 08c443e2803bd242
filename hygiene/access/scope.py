"""What a user may see and change: the one place the access decisions live.

A scope is a user's role and bindings (township, village, unit). The decisions pages ask
(menus, tabs, buttons) are its properties; which rows of a model it reads is the model's scope
rule, registered by the model's domain (rules.py), asked through `clause(Model)`."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from hygiene.access.roles import Role
from hygiene.access.rules import rule_for

if TYPE_CHECKING:
    from hygiene.accounts.models import User


@dataclass(frozen=True)
class Scope:
    role: Role
    township_id: int | None = None
    village_id: int | None = None
    unit_id: int | None = None

    @classmethod
    def of(cls, user: User) -> Scope:
        """Build the scope of a signed-in user from their role and bindings."""
        return cls(Role(user.role), user.township_id, user.village_id, user.unit_id)

    @classmethod
    def county(cls) -> Scope:
        """The scope of the whole county, for system work (demo, built-ins, scheduler)."""
        return cls(Role.ADMIN)

    @property
    def is_county_admin(self) -> bool:
        return self.role is Role.ADMIN and self.township_id is None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def township_wide(self) -> bool:
        """True for office staff who read everything in a township (or the county)."""
        return self.role in (Role.ADMIN, Role.INSPECTOR)

    @property
    def can_edit_register(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def sees_audit_trail(self) -> bool:
        """True for the office (admins), who read a record's history on its page and the whole
        trail; inspectors and contacts see a record's current state only."""
        return self.role is Role.ADMIN

    # --- what the pages offer (menus, tabs, buttons): the templates ask these, never the role --

    @property
    def has_agenda(self) -> bool:
        """Office staff are sent out on inspections, so they have an agenda."""
        return self.township_wide

    @property
    def sees_office_menu(self) -> bool:
        """Plans, rankings and checklists: the office's working pages."""
        return self.township_wide

    @property
    def sees_admin_menu(self) -> bool:
        """Users, the audit trail and the scheduled jobs: the administrator's pages."""
        return self.role is Role.ADMIN

    @property
    def register_tabs(self) -> tuple[str, ...]:
        """The register lists this scope opens, in menu order (townships: the county's
        administrator; villages: office staff; a village contact starts at the units)."""
        tabs: tuple[str, ...] = ("townships",) if self.is_county_admin else ()
        tabs += ("villages",) if self.township_wide else ()
        return (*tabs, "units", "households", "cleaners")

    @property
    def register_menu_entry(self) -> str | None:
        """The register list the main menu leads to; None for a unit contact, who has one unit."""
        if self.role is Role.UNIT_CONTACT:
            return None
        return "villages" if self.township_wide else "units"

    @property
    def sees_supplies(self) -> bool:
        """The supplies ledger: the office's, or what was issued to a contact's village or unit."""
        return self.township_id is not None or self.village_id is not None or self.unit_id is not None

    @property
    def keeps_supplies_ledger(self) -> bool:
        """Products and movements are entered by the township's admins."""
        return self.role is Role.ADMIN and self.township_id is not None

    @property
    def reports_fixes(self) -> bool:
        """Who is offered an open order's receipt and fix-report forms: its recipients (contacts)
        and the office's administrators, who may act for them."""
        return self.role in (Role.VILLAGE_CONTACT, Role.UNIT_CONTACT, Role.ADMIN)

    @property
    def sees_pest_monitoring(self) -> bool:
        """Density monitoring: the office, and a village contact for its own village."""
        return self.township_wide or self.role is Role.VILLAGE_CONTACT

    @property
    def sees_toilets(self) -> bool:
        """Toilet renovation (改厕): the office, and a village contact for its own village."""
        return self.township_wide or self.role is Role.VILLAGE_CONTACT

    @property
    def sees_letters(self) -> bool:
        """Target responsibility letters (目标责任书): the office, and a village or unit contact their own."""
        return self.township_wide or self.role in (Role.VILLAGE_CONTACT, Role.UNIT_CONTACT)

    @property
    def sees_briefing(self) -> bool:
        """The office's briefing (工作简报): office staff, admins and inspectors."""
        return self.township_wide

    @property
    def sees_creation(self) -> bool:
        """Hygiene creation (卫生创建): the office, and a village or unit contact for their own."""
        return self.township_wide or self.role in (Role.VILLAGE_CONTACT, Role.UNIT_CONTACT)

    @property
    def sees_education(self) -> bool:
        """Health education (健康教育): the office its township's log, each contact their own."""
        return self.township_wide or self.role in (Role.VILLAGE_CONTACT, Role.UNIT_CONTACT)

    @property
    def sees_food_safety(self) -> bool:
        """Food-safety registers: the office, a village contact its banquets, a unit contact its
        workers' health certificates."""
        return self.township_wide or self.role in (Role.VILLAGE_CONTACT, Role.UNIT_CONTACT)

    @property
    def sees_campaigns(self) -> bool:
        """The campaign calendar (爱卫活动): the office's calendar and campaigns, a contact's own tasks."""
        return self.township_wide or self.village_id is not None or self.unit_id is not None

    @property
    def enters_monitoring(self) -> bool:
        """Monitoring results are entered by a township's office (admins and inspectors)."""
        return self.township_wide and self.township_id is not None

    def clause(self, model: type[Any]) -> sa.ColumnElement[bool]:
        """A WHERE clause that keeps only the rows of `model` this scope may read (the rule its
        domain registered; a model without one raises TypeError, for the county too)."""
        rule = rule_for(model)
        return sa.true() if self.is_county_admin else rule(self, model)

    def covers_township(self, township_id: int | None) -> bool:
        """True when records of this township lie inside the scope."""
        return self.is_county_admin or (self.township_wide and township_id == self.township_id)
