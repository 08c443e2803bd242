"""The rectification orders' Excel export: numbers, deadlines and items of the orders."""
import sqlalchemy as sa
import time_machine

from hygiene.extensions import db
from hygiene.rectifications.models import RectificationOrder
from tests.exports_helpers import LATER, book, inspected, table  # noqa: F401  (fixture)
from tests.inspections.conftest import inspection  # noqa: F401  (fixture)


def test_the_order_export_has_the_numbers_deadlines_and_items_of_the_orders(client, login, app, inspected):  # noqa: F811
    login("admin_a")
    with time_machine.travel(LATER, tick=False):
        rows = table(book(client.get("/exports/orders.xlsx")).active)
    with app.app_context():
        orders = list(db.session.scalars(sa.select(RectificationOrder).order_by(RectificationOrder.number)))
        expected = [[o.display_number, o.target_label, o.deadline, "；".join(i.text for i in o.items)]
                    for o in orders]
    assert [[r[0], r[1], r[4].date(), r[6]] for r in rows] == expected
    assert rows[0][2] == "甲一村" and rows[0][5] == "已逾期" and rows[0][9] == "是"


def test_the_order_export_keeps_the_lists_month_and_deadline_filters(client, login, inspected):  # noqa: F811
    login("admin_a")
    everything = table(book(client.get("/exports/orders.xlsx?status=all")).active)
    assert everything
    assert table(book(client.get("/exports/orders.xlsx?status=all&issued_in=2000-01")).active) == []
    assert table(book(client.get("/exports/orders.xlsx?status=all&due_before=2000-01-01")).active) == []
    listed = client.get("/orders/?status=all&issued_in=2000-01&due_before=2000-01-01").text
    assert "issued_in=2000-01" in listed and "due_before=2000-01-01" in listed  # the export link keeps them


def test_an_export_link_with_a_filter_it_cannot_read_exports_nothing_and_says_so(client, login, world):
    login("admin_a")
    for url in ("/exports/orders.xlsx?status=bogus", "/exports/orders.xlsx?issued_in=2026-13",
                "/exports/inspections.xlsx?village_id=abc", "/exports/inspections.xlsx?status=bogus"):
        response = client.get(url)
        assert response.status_code == 400 and "筛选条件无法识别，未导出" in response.text, url
