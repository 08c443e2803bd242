"""Rectification orders through the API: the list and one order (items, deadline, responsible
people, evidence and re-inspection), and the recipient's report of the fix: photos one request
each (named by the client's id, so a resend adds nothing), then the report itself (once per key),
through the same rectifications service as the order page."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated

import sqlalchemy as sa
from flask import request
from flask_login import current_user
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from werkzeug.datastructures import FileStorage

from hygiene.access.scope import Scope
from hygiene.api.inspections import DECIMAL, Person, Target
from hygiene.api.paging import DatedPageQuery, Page, dated, page_of
from hygiene.api.photos import PhotoOut, photo_out
from hygiene.api.spec import BodyModel
from hygiene.api.views import api
from hygiene.clock import local_today, now_utc
from hygiene.core.input import MAX_DB_INT
from hygiene.core.web import current_scope, photo_limits, photo_store
from hygiene.extensions import db
from hygiene.rectifications import queries, services
from hygiene.rectifications.models import RectificationOrder
from hygiene.rectifications.status import LIST_FILTERS, OrderStatus

TAG = "orders"
CLIENT_ID = r"^[A-Za-z0-9_-]{8,64}$"
# the list's status filter: a stored status, open (not closed) or overdue; leave out for all
OrderFilter = StrEnum("OrderFilter", {value: value for value in LIST_FILTERS if value != "all"})  # type: ignore[misc]


class OrderItemOut(BaseModel):
    id: int
    item_id: int = Field(description="The failed checklist item")
    text: str
    note: str = Field(description="The inspector's finding")
    points_lost: str = Field(description=DECIMAL)
    severity: str = Field(description="normal, serious or urgent")


class OrderOut(BaseModel):
    id: int
    year: int
    number: int = Field(description="The township's number of the year: 〔year〕第number号")
    display_number: str
    township_id: int
    village_id: int
    unit_id: int | None
    target: Target
    inspection_id: int
    parent_id: int | None = Field(description="The order this one follows up (its re-inspection failed)")
    issued_on: date
    deadline: date
    deadline_provisional: bool = Field(description="Counted through a year whose official holidays are not "
                                                   "published yet: it may move when they are")
    deadline_working_days: int | None = Field(description="Working days counted from issued_on; null when "
                                                          "the office set the date")
    status: OrderStatus
    overdue: bool = Field(description="Issued, no fix reported, and past its deadline")
    acknowledged_at: datetime | None = Field(description="When the recipient confirmed receipt")
    items: list[OrderItemOut]


class Evidence(BaseModel):
    note: str
    at: datetime | None = Field(description="When the fix was last reported; null: not yet")
    by_id: int | None
    photos: list[PhotoOut] = Field(description="The recipient's photos of the fix")


class Reinspection(BaseModel):
    at: datetime | None = Field(description="Null: not re-inspected yet")
    by_id: int | None
    passed: bool | None = Field(description="True closed the order; false issued the follow-up order")
    note: str
    photos: list[PhotoOut]
    follow_up_id: int | None = Field(description="The follow-up order a failed re-inspection issued")


class OrderDetailOut(OrderOut):
    responsible: list[Person] = Field(description="Who must put it right: the unit's contacts, else the village's")
    evidence: Evidence
    reinspection: Reinspection
    item_photos: list[PhotoOut] = Field(description="The inspection's photos of the failed items")
    withdrawn_at: datetime | None
    withdrawn_reason: str


class OrderQuery(DatedPageQuery):
    """Orders by village, unit, status and issue date (date_from, date_to: the day it was issued)."""

    unit_id: int | None = Field(None, ge=1, le=MAX_DB_INT, description="Only this unit's orders")
    status: OrderFilter | None = Field(None, description=(
        "A status, open (issued or fix reported) or overdue (issued and past its deadline); leave out for all"))


def _file(value: object) -> object:
    """An uploaded file's bytes (the form's other values arrive as they are)."""
    return value.read() if isinstance(value, FileStorage) else value


class EvidencePhotoForm(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    photo: Annotated[bytes, BeforeValidator(_file)] = Field(
        description="One photo file, as the order page takes it: decoded, turned upright, served without metadata")
    client_id: str = Field(pattern=CLIENT_ID, description=(
        "The client's own id of this photo (a UUID): sent again after a lost answer, it adds nothing and "
        "answers the first photo (200)"))


class EvidenceReport(BodyModel):
    note: str = Field("", max_length=2000, description="What was done; may be empty when photos were added")
    key: str = Field(pattern=CLIENT_ID, description=(
        "The client's id of this report (a UUID): sent again, or twice at once, it reports the fix once"))


def _order_fields(order: RectificationOrder, today: date) -> dict:
    return dict(
        id=order.id, year=order.year, number=order.number, display_number=order.display_number,
        township_id=order.township_id, village_id=order.village_id, unit_id=order.unit_id,
        target=Target(kind=order.target_kind, id=order.target_id, label=order.target_label),
        inspection_id=order.inspection_id, parent_id=order.parent_id, issued_on=order.issued_on,
        deadline=order.deadline, deadline_provisional=order.deadline_provisional,
        deadline_working_days=order.deadline_working_days, status=OrderStatus(order.status),
        overdue=order.is_overdue(today), acknowledged_at=order.acknowledged_at,
        items=[OrderItemOut(id=i.id, item_id=i.item_id, text=i.text, note=i.note, points_lost=str(i.points_lost),
                            severity=i.severity) for i in order.items])


@api.operation("GET", "/orders", tag=TAG, summary="Rectification orders", query=OrderQuery,
               response=Page[OrderOut], description=(
                   "The orders the reader may see; date_from and date_to filter on the issue date (issued_on)."))
def orders(query: OrderQuery) -> Page[OrderOut]:
    scope, today = current_scope(), local_today()
    stmt = queries.order_list_stmt(scope=scope, today=today, status=query.status.value if query.status else "",
                                   village_id=query.village_id)
    stmt = dated(stmt, query, village_column=RectificationOrder.village_id, date_column=RectificationOrder.issued_on)
    if query.unit_id is not None:
        stmt = stmt.where(RectificationOrder.unit_id == query.unit_id)
    return page_of(stmt, RectificationOrder.id, query, lambda row: OrderOut(**_order_fields(row, today)))


def _order_detail(order: RectificationOrder, scope: Scope) -> OrderDetailOut:
    photos = queries.order_photos(order)
    shown = {purpose: [photo_out(p, scope) for p in group] for purpose, group in photos.items()}
    follow_up = db.session.scalar(sa.select(RectificationOrder.id).where(RectificationOrder.parent_id == order.id)
                                  .order_by(RectificationOrder.id).limit(1))
    return OrderDetailOut(
        **_order_fields(order, local_today()),
        responsible=[Person(id=u.id, display_name=u.display_name) for u in services.responsible_users(order)],
        evidence=Evidence(note=order.evidence_note, at=order.evidence_at, by_id=order.evidence_by_id,
                          photos=shown.get(services.EVIDENCE, [])),
        reinspection=Reinspection(at=order.reinspected_at, by_id=order.reinspected_by_id,
                                  passed=order.reinspection_passed, note=order.reinspection_note,
                                  photos=shown.get("reinspection", []), follow_up_id=follow_up),
        item_photos=[p for key, group in shown.items() if key.startswith("item:") for p in group],
        withdrawn_at=order.withdrawn_at, withdrawn_reason=order.withdrawn_reason)


@api.operation("GET", "/orders/{order_id}", tag=TAG, summary="One rectification order", response=OrderDetailOut)
def order(order_id: int) -> OrderDetailOut:
    scope = current_scope()
    return _order_detail(queries.order_get(scope=scope, order_id=order_id), scope)


@api.operation("POST", "/orders/{order_id}/evidence", tag=TAG, summary="Add one photo of the fix",
               form=EvidencePhotoForm, response=PhotoOut, status=201, extra_responses={200: PhotoOut},
               description=(
                   "The order's recipient (its village's or unit's contact, or the office's administrator "
                   "for them) adds a photo of the fix while the order is open, one photo per request; "
                   "then reports the fix (POST .../evidence/submit), which counts the photos added since "
                   "the last report. 201: added; 200: this client_id's photo was added before (a resend)."))
def order_evidence_photo(order_id: int, form: EvidencePhotoForm):
    scope = current_scope()
    found = queries.order_get(scope=scope, order_id=order_id)
    upload = request.files.get("photo")
    photo, made = services.order_evidence_photo_add(
        scope=scope, user=current_user, order=found, filename=(upload.filename or "") if upload else "",
        data=form.photo, client_id=form.client_id, store=photo_store(), limits=photo_limits(), now=now_utc())
    db.session.commit()
    return photo_out(photo, scope), 201 if made else 200


@api.operation("POST", "/orders/{order_id}/evidence/submit", tag=TAG, summary="Report the fix",
               body=EvidenceReport, response=OrderDetailOut, description=(
                   "The recipient reports the order fixed, with a note and the photos added before; the "
                   "inspector re-inspects next. Refused (422) without a note or a photo, or when the order "
                   "is closed; a resend with the same key reports nothing again and answers the order."))
def order_evidence_submit(order_id: int, body: EvidenceReport) -> OrderDetailOut:
    scope = current_scope()
    found = queries.order_get(scope=scope, order_id=order_id)
    services.order_submit_evidence(scope=scope, user=current_user, order=found, note=body.note, photos=[],
                                   store=photo_store(), limits=photo_limits(), now=now_utc(),
                                   evidence_key=body.key)
    db.session.commit()
    return _order_detail(found, scope)
