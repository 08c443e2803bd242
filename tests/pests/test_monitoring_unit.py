"""The monitoring form's unit picker: the township's units grouped by village, a unit only of
the chosen village, shown on the record; nothing written when the unit does not fit."""
import sqlalchemy as sa

import hygiene.models  # noqa: F401  every table first, so mappers resolve names whatever is collected next
from hygiene.extensions import db
from hygiene.pests.monitoring.models import MonitoringRecord
from hygiene.places.models import Unit

ROOM_SIGNS = "/pests/monitoring/new/rodent/room_signs"


def records(app) -> list[MonitoringRecord]:
    with app.app_context():
        return list(db.session.scalars(sa.select(MonitoringRecord).order_by(MonitoringRecord.id)))


def enter(client, village_id, unit_id="", key="u1"):
    return client.post(ROOM_SIGNS, data={"village_id": str(village_id), "unit_id": str(unit_id),
                                         "surveyed_on": "2026-10-20", "request_key": key,
                                         "count_rooms_with_signs": "1", "count_rooms_checked": "50"})


def test_the_form_offers_the_townships_units_grouped_by_village(app, client, login, world):
    with app.app_context():
        db.session.add(Unit(name="停业饭店", category="catering", village_id=world.a1, active=False))
        db.session.commit()
    login("admin_a")
    page = client.get(ROOM_SIGNS).text
    assert '<optgroup label="甲一村">' in page and '<optgroup label="甲二村">' in page
    assert "a1饭店" in page and "a2饭店" in page and "不选：村（社区）本身" in page
    assert "b1饭店" not in page and "停业饭店" not in page


def test_a_survey_of_a_unit_of_the_chosen_village_keeps_the_unit(app, client, login, world):
    login("admin_a")
    response = enter(client, world.a1, world.unit_a1)
    assert response.status_code == 303
    [record] = records(app)
    assert (record.village_id, record.unit_id) == (world.a1, world.unit_a1)
    assert "a1饭店" in client.get(response.headers["Location"]).text


def test_no_unit_is_the_village_itself(app, client, login, world):
    login("admin_a")
    assert enter(client, world.a1).status_code == 303
    assert [r.unit_id for r in records(app)] == [None]


def test_a_unit_of_another_village_or_township_or_none_at_all_is_refused(app, client, login, world):
    login("admin_a")
    for unit_id, message in ((world.unit_a2, "请选择所选村（社区）的单位，或不选。"),
                             (world.unit_b1, "请选择所选村（社区）的单位，或不选。"),
                             (987654, "请选择所选村（社区）的单位，或不选。"),
                             ("99999999999999999999", "请从列表中选择。"), ("x", "请从列表中选择。")):
        response = enter(client, world.a1, unit_id, key=f"k{unit_id}")
        assert response.status_code == 422 and message in response.text, unit_id
    assert enter(client, world.a1, "1\x00").status_code == 400
    assert records(app) == []


def test_the_unit_refusal_names_the_unit_field(app, client, login, world):
    login("admin_a")
    response = enter(client, world.a1, world.unit_a2)
    assert response.status_code == 422 and "请选择所选村（社区）的单位，或不选。" in response.text
    assert records(app) == []


def test_the_trail_names_the_unit_without_rewording_the_ledgers_measure(app, client, login, world):
    from hygiene.audit.labels import FIELDS
    from hygiene.audit.models import AuditEvent

    login("admin_a")
    assert enter(client, world.a1, world.unit_a1).status_code == 303
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.entity_type == "monitoring_record")).one()
        assert event.after["surveyed_unit"] == "a1饭店"
    with app.test_request_context("/"):
        assert (str(FIELDS["surveyed_unit"]), str(FIELDS["unit"])) == ("单位", "计量单位")
