"""The ledger's holders: a unit of another village is refused beside the field (never saved under
the unit's village), unit options name their village, the movements show the unit; the Excel
ledger writes expiry dates as dates."""
from datetime import date, datetime
from io import BytesIO

import openpyxl
import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.pests.models import SupplyMovement
from tests.pests.test_ledger import counts, move, product  # noqa: F401


def test_a_unit_of_another_village_is_refused_beside_the_field(app, client, world, product):
    before = counts(app)
    response = move(client, product.id, village_id=str(world.a2), unit_id=str(world.unit_a1), taker_name="李四",
                    signature="李四")
    assert response.status_code == 422 and "请选择所选村（社区）的单位" in response.text
    assert counts(app) == before


def test_a_unit_of_the_village_is_issued_and_shown_with_its_village(app, client, world, product):
    page = client.get(f"/supplies/{product.id}").text
    assert "a1 · a1饭店" in page or "甲一村 · a1饭店" in page
    response = move(client, product.id, village_id=str(world.a1), unit_id=str(world.unit_a1), taker_name="李四",
                    signature="李四")
    assert response.status_code == 303
    with app.app_context():
        issued = db.session.scalar(sa.select(SupplyMovement).where(SupplyMovement.kind == "issue"))
        assert (issued.village_id, issued.unit_id) == (world.a1, world.unit_a1)
    movements = client.get(f"/supplies/{product.id}").text.split("<h2>")[-1]
    assert "<th>单位</th>" in movements and "<td>a1饭店</td>" in movements


def test_the_excel_ledger_writes_expiry_as_a_date(client, product):
    sheet = openpyxl.load_workbook(BytesIO(client.get("/supplies/ledger.xlsx").data)).active
    expiry = list(sheet.iter_rows(values_only=True))[1][8]
    assert isinstance(expiry, datetime | date) and expiry.strftime("%Y-%m-%d") == "2030-12-31"
