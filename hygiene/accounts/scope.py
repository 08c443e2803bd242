"""What a user may see and change: the one place the access rules live."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from hygiene.accounts.models import Role, User
from hygiene.inspections.models import Inspection
from hygiene.inspections.status import InspectionStatus
from hygiene.media.models import Photo
from hygiene.places.models import Cleaner, Household, Township, Unit, Village
from hygiene.rectifications.models import OrderItem, RectificationOrder


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
    def reports_fixes(self) -> bool:
        """Who is offered an open order's receipt and fix-report forms: its recipients (contacts)
        and the office's administrators, who may act for them."""
        return self.role in (Role.VILLAGE_CONTACT, Role.UNIT_CONTACT, Role.ADMIN)

    def clause(self, model: type[Any]) -> sa.ColumnElement[bool]:
        """A WHERE clause that keeps only the rows of `model` this scope may read."""
        if self.is_county_admin:
            return sa.true()
        if model is Township:
            return Township.id == self.township_id if self.township_wide else sa.false()
        if model is Village:
            if self.township_wide:
                return Village.township_id == self.township_id
            return Village.id == self.village_id if self.role is Role.VILLAGE_CONTACT else sa.false()
        if model in (Unit, Household, Cleaner):
            return self._village_record_clause(model)
        if model is Photo:
            return self._photo_clause()
        if hasattr(model, "township_id") and hasattr(model, "village_id"):
            return self._work_record_clause(model)
        raise TypeError(f"no scope rule for {model.__name__}")

    def _work_record_clause(self, model: type[Any]) -> sa.ColumnElement[bool]:
        """Inspections, orders and the like: staff read their township's, contacts their own."""
        if self.township_wide:
            return model.township_id == self.township_id
        if self.role is Role.VILLAGE_CONTACT:
            return model.village_id == self.village_id
        if self.role is Role.UNIT_CONTACT and hasattr(model, "unit_id"):
            return model.unit_id == self.unit_id
        return sa.false()

    def _village_record_clause(self, model: type[Any]) -> sa.ColumnElement[bool]:
        if self.township_wide:
            villages = sa.select(Village.id).where(Village.township_id == self.township_id)
            return model.village_id.in_(villages)
        if self.role is Role.VILLAGE_CONTACT:
            return model.village_id == self.village_id
        if self.role is Role.UNIT_CONTACT and model is Unit:
            return Unit.id == self.unit_id
        return sa.false()

    # --- what an inspection shows, and so its photos ------------------------------------------
    # Contacts may open their inspections' pages at any stage, but the answers, scores and photos
    # only once the office publishes them; staff see them at every stage. The two methods below
    # are this one rule, for a loaded inspection and for queries; keep them together.

    def sees_inspection_results(self, inspection: Inspection) -> bool:
        """True when the answers, score and photos of an inspection inside the scope are shown."""
        return self.township_wide or inspection.is_published

    def inspection_results_clause(self) -> sa.ColumnElement[bool]:
        """Inspections whose answers, score and photos this scope may see (the rule above)."""
        shown = sa.true() if self.township_wide else Inspection.status == InspectionStatus.PUBLISHED
        return sa.and_(self.clause(Inspection), shown)

    def _photo_clause(self) -> sa.ColumnElement[bool]:
        """A photo is seen where a record that shows it is seen: its order; its inspection's
        results; or an order listing the failed item it shows (the order page shows those)."""
        orders = sa.select(RectificationOrder.id).where(self.clause(RectificationOrder))
        inspections = sa.select(Inspection.id).where(self.inspection_results_clause())
        shown_by_order = (sa.select(RectificationOrder.id)
                          .join(OrderItem, OrderItem.order_id == RectificationOrder.id)
                          .where(RectificationOrder.inspection_id == Photo.inspection_id,
                                 OrderItem.item_id == Photo.item_id,
                                 self.clause(RectificationOrder)).exists())
        return sa.or_(Photo.order_id.in_(orders), Photo.inspection_id.in_(inspections), shown_by_order)

    def covers_township(self, township_id: int | None) -> bool:
        """True when records of this township lie inside the scope."""
        return self.is_county_admin or (self.township_wide and township_id == self.township_id)
