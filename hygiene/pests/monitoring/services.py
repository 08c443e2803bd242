"""Monitoring records: every write, and the Chinese words of the pest rules' refusals.
Services never commit; views do (hygiene/core/web.py)."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record
from hygiene.core.schemas import parse_input
from hygiene.errors import Forbidden, InvalidFields
from hygiene.extensions import db
from hygiene.pests import surveys
from hygiene.pests.monitoring import rollup
from hygiene.pests.monitoring.models import MonitoringRecord
from hygiene.pests.monitoring.schemas import MonitoringInput
from hygiene.pests.refusals import Refused
from hygiene.pests.standards import CATALOGUE, Method
from hygiene.pests.words import in_reader_language, refusal_words
from hygiene.places.models import Unit, Village


def count_label(field: str) -> str:
    labels = surveys.COUNT_LABELS.get(field)
    return in_reader_language(labels) if labels else field


def refusal_message(refused: Refused) -> str:
    """A pest rule's refusal in the reader's words, the counts named by their labels."""
    of = refused.params.get("of") if refused.code == "more_positive_than_checked" else _positive_field(refused)
    return refusal_words(refused, field=count_label(refused.field or ""), of=count_label(of or ""))


def _positive_field(refused: Refused) -> str:
    """The positives a count per positive place was refused against, named as the data names them."""
    return next((m.inputs["positive"] for e in CATALOGUE.all_editions for i in e.indicators for m in i.measures
                 if m.inputs.get("count") == refused.field and "positive" in m.inputs), "")


def monitoring_input(*, method: Method, data: Mapping[str, Any]) -> MonitoringInput:
    """The checked input, or InvalidFields naming every field at fault (the counts by the first
    fault the method's index finds)."""
    errors: dict[str, str] = {}
    try:
        checked = parse_input(MonitoringInput, data)
    except InvalidFields as invalid:
        errors.update(invalid.errors)
    try:
        counts = surveys.read_counts(method, data.get("counts") or {})
    except Refused as refused:
        errors[f"count_{refused.field}"] = refusal_message(refused)
    if errors:
        raise InvalidFields(errors)
    return checked.model_copy(update={"counts": counts})


def monitoring_create(*, scope: Scope, actor_id: int | None, method: Method,
                      data: MonitoringInput) -> MonitoringRecord:
    """Record a survey of the scope's township; the same form sent twice makes one record."""
    if not scope.enters_monitoring:
        raise Forbidden(_("Monitoring results are entered by the township's hygiene office."))
    if data.request_key and (made := _record_of_key(data.request_key)) is not None:
        return made
    village = db.session.scalar(sa.select(Village).where(Village.id == data.village_id, scope.clause(Village)))
    if village is None or village.township_id != scope.township_id:
        raise InvalidFields({"village_id": _("Choose a village from the list.")})
    unit = _unit_of(scope, village, data.unit_id)
    record = MonitoringRecord(
        township_id=village.township_id, village_id=village.id, unit_id=unit.id if unit else None, pest=method.pest, method=method.key,
        surveyed_on=data.surveyed_on, counts=dict(data.counts), note=data.note,
        entered_by_id=actor_id, request_key=data.request_key)
    try:
        with db.session.begin_nested():
            db.session.add(record)
            db.session.flush()
    except IntegrityError:  # the same form at the same moment: the other request made it
        made = _record_of_key(data.request_key) if data.request_key else None
        if made is None:
            raise
        return made
    rollup.refresh(record)
    audit_record(actor_id=actor_id, action="create", record=record, township_id=record.township_id,
                 after={"village": village.name, "surveyed_unit": unit.name if unit else None, "pest": record.pest,
                        "method": record.method, "surveyed_on": record.surveyed_on.isoformat(),
                        "counts": record.counts})
    return record


def _unit_of(scope: Scope, village: Village, unit_id: int | None) -> Unit | None:
    """The unit a survey names, which must be one of the surveyed village's (or none)."""
    if unit_id is None:
        return None
    unit = db.session.scalar(sa.select(Unit).where(Unit.id == unit_id, Unit.village_id == village.id,
                                                   scope.clause(Unit)))
    if unit is None:
        raise InvalidFields({"unit_id": _("Choose a unit of the chosen village, or none.")})
    return unit


def _record_of_key(key: str) -> MonitoringRecord | None:
    return db.session.scalar(sa.select(MonitoringRecord).where(MonitoringRecord.request_key == key))
