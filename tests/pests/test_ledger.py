"""The supplies ledger pages: products, movements, balances, access, once-only and races."""
import threading
import urllib.parse
import urllib.request
import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace

import openpyxl
import pytest
import sqlalchemy as sa

from hygiene.audit.models import AuditEvent
from hygiene.clock import local_today
from hygiene.extensions import db
from hygiene.pests.models import PestProduct, SupplyMovement
from tests.rectifications.test_evidence_once import signed_in, status_of

PRODUCT = {"name": "溴敌隆毒饵", "active_ingredient": "溴敌隆 0.005%", "registration_number": "PD20100001",
           "form": "饵剂", "unit": "kg", "expiry": "2030-12-31", "minimum_stock": "5", "active": "y"}


def counts(app):
    with app.app_context():
        return (db.session.scalar(sa.select(sa.func.count()).select_from(PestProduct)),
                db.session.scalar(sa.select(sa.func.count()).select_from(SupplyMovement)),
                db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)))


def stock_of(app, product_id):
    with app.app_context():
        return db.session.get(PestProduct, product_id).stock


def move(client, product_id, **fields):
    data = {"kind": "issue", "quantity": "1", "moved_on": "2026-11-20", "village_id": "", "unit_id": "",
            "taker_name": "", "signature": "", "note": "", "form_key": uuid.uuid4().hex} | fields
    return client.post(f"/supplies/{product_id}", data=data)


@pytest.fixture
def product(app, client, login, world):
    login("admin_a")
    response = client.post("/supplies/new", data=PRODUCT)
    assert response.status_code == 303, response.text
    product_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    assert move(client, product_id, kind="in", quantity="20").status_code == 303
    return SimpleNamespace(id=product_id)


def test_stock_in_issue_and_return_keep_the_balance(app, client, world, product):
    issued = move(client, product.id, quantity="7.5", village_id=str(world.a1), taker_name="王五", signature="王五")
    assert issued.status_code == 303
    assert move(client, product.id, kind="return", quantity="2.25", village_id=str(world.a1)).status_code == 303
    assert stock_of(app, product.id) == Decimal("14.75")
    page = client.get(f"/supplies/{product.id}").text
    assert "14.75 千克" in page and "5.25 千克" in page and "甲一村" in page
    ledger = client.get("/supplies/ledger").text
    assert "溴敌隆毒饵" in ledger and "14.75" in ledger
    assert counts(app) == (1, 3, 4)  # product, in, issue, return; each audited


def test_an_issue_larger_than_the_stock_is_refused_with_the_stock_shown(app, client, world, product):
    before = counts(app)
    response = move(client, product.id, quantity="20.001", village_id=str(world.a1), taker_name="王五",
                    signature="王五")
    assert response.status_code == 422
    assert "库存仅剩 20 千克，不能领取 20.001 千克" in response.text
    assert counts(app) == before and stock_of(app, product.id) == Decimal(20)


def test_a_return_beyond_what_the_village_holds_is_refused(app, client, world, product):
    response = move(client, product.id, kind="return", quantity="1", village_id=str(world.a1))
    assert response.status_code == 422 and stock_of(app, product.id) == Decimal(20)
    assert "仅持有 0 千克，不能退回 1 千克" in response.text


def test_an_issue_needs_the_taker_and_a_holder(app, client, world, product):
    before = counts(app)
    assert move(client, product.id, village_id=str(world.a1)).status_code == 422
    assert move(client, product.id, taker_name="王五", signature="王五").status_code == 422
    assert move(client, product.id, village_id=str(world.b1), taker_name="王五",
                signature="王五").status_code == 422  # another township's village
    assert move(client, product.id, quantity="-1", village_id=str(world.a1), taker_name="王五",
                signature="王五").status_code == 422
    assert counts(app) == before


def test_an_expired_product_cannot_be_issued(app, client, world, product):
    client.post(f"/supplies/{product.id}/edit", data=PRODUCT | {"expiry": "2026-01-01"})
    response = move(client, product.id, village_id=str(world.a1), taker_name="王五", signature="王五")
    assert response.status_code == 422 and "2026-01-01" in response.text
    assert stock_of(app, product.id) == Decimal(20)


@pytest.mark.parametrize("ingredient", ["毒鼠强", "Tetramine 0.1%", "氟乙酰胺"])
def test_a_banned_rodenticide_is_refused_at_entry(app, client, login, world, ingredient):
    login("admin_a")
    response = client.post("/supplies/new", data=PRODUCT | {"active_ingredient": ingredient})
    assert response.status_code == 422
    assert "禁用的急性杀鼠剂" in response.text
    assert counts(app)[0] == 0


def test_a_bad_unit_or_missing_name_is_refused(app, client, login, world):
    login("admin_a")
    assert client.post("/supplies/new", data=PRODUCT | {"unit": "桶", "name": ""}).status_code == 422
    assert counts(app)[0] == 0


def test_a_resent_movement_counts_once(app, client, world, product):
    key = uuid.uuid4().hex
    for _ in range(2):
        assert move(client, product.id, form_key=key, quantity="3", village_id=str(world.a1),
                    taker_name="王五", signature="王五").status_code == 303
    assert stock_of(app, product.id) == Decimal(17) and counts(app)[1] == 2


def test_the_ledger_downloads_as_excel(client, product):
    response = client.get("/supplies/ledger.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "溴敌隆毒饵" and Decimal(str(rows[1][6])) == 20


def test_who_sees_what(app, client, login, world, product):
    move(client, product.id, quantity="4", village_id=str(world.a1), taker_name="王五", signature="王五")
    login("admin_b")
    assert client.get(f"/supplies/{product.id}").status_code == 404
    assert move(client, product.id, kind="in", quantity="1").status_code == 404
    assert client.get(f"/supplies/{product.id}/edit").status_code == 404
    assert "溴敌隆毒饵" not in client.get("/supplies/ledger").text
    assert client.get("/supplies/99999999999999").status_code == 404
    login("inspector_a")
    assert client.get(f"/supplies/{product.id}").status_code == 200
    assert move(client, product.id, kind="in", quantity="1").status_code == 403
    login("village_a1")
    page = client.get(f"/supplies/{product.id}")
    assert page.status_code == 200 and "office-stock" not in page.text and "甲一村" in page.text
    assert client.get("/supplies/ledger").status_code == 403
    assert move(client, product.id, kind="in", quantity="1").status_code == 403
    login("village_b1")
    assert client.get(f"/supplies/{product.id}").status_code == 404
    assert "溴敌隆毒饵" not in client.get("/supplies/").text
    login("unit_a1")
    assert client.get(f"/supplies/{product.id}").status_code == 404
    assert stock_of(app, product.id) == Decimal(16)


def test_issues_posted_at_the_same_moment_never_take_the_stock_below_zero(app, live, world, product):
    opener = signed_in(live, "admin_a")
    threads, start, statuses = 4, threading.Barrier(4), []

    def post():
        body = urllib.parse.urlencode({"kind": "issue", "quantity": "8", "moved_on": "2026-11-20",
                                       "village_id": str(world.a1), "taker_name": "王五", "signature": "王五",
                                       "form_key": uuid.uuid4().hex}).encode()
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(f"{live}/supplies/{product.id}", data=body)))

    workers = [threading.Thread(target=post) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert sorted(statuses) == [303, 303, 422, 422]
    assert stock_of(app, product.id) == Decimal(4)


def test_identical_issues_at_the_same_moment_count_once(app, live, world, product):
    opener = signed_in(live, "admin_a")
    body = urllib.parse.urlencode({"kind": "issue", "quantity": "2", "moved_on": "2026-11-20",
                                   "village_id": str(world.a1), "taker_name": "王五", "signature": "王五",
                                   "form_key": uuid.uuid4().hex}).encode()
    threads, start, statuses = 4, threading.Barrier(4), []

    def post():
        start.wait()
        statuses.append(status_of(opener, urllib.request.Request(f"{live}/supplies/{product.id}", data=body)))

    workers = [threading.Thread(target=post) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [303] * threads
    assert stock_of(app, product.id) == Decimal(18) and counts(app)[1] == 2


def test_the_ledger_reads_all_products_in_one_query(app, world, count_queries):
    from datetime import date

    from hygiene.access.roles import Role
    from hygiene.access.scope import Scope
    from hygiene.pests.queries import ledger_rows

    scope = Scope(Role.ADMIN, township_id=world.ta)
    with app.app_context():
        for n in range(5):
            product = PestProduct(township_id=world.ta, name=f"药物{n}", active_ingredient="溴敌隆", unit="kg",
                                  stock=Decimal(3))
            db.session.add(product)
            db.session.flush()
            db.session.add_all([SupplyMovement(product_id=product.id, township_id=world.ta, kind="in",
                                               quantity=Decimal(5), moved_on=date(2026, 11, 1)),
                                SupplyMovement(product_id=product.id, township_id=world.ta, village_id=world.a1,
                                               kind="issue", quantity=Decimal(2), moved_on=date(2026, 11, 2))])
        db.session.commit()
        with count_queries() as queries:
            rows = ledger_rows(scope, date(2026, 11, 29))
        assert queries[0] == 1 and len(rows) == 5
        assert all((r.received, r.issued, r.stock) == (5, 2, 3) for r in rows)


def test_a_unit_holds_what_it_was_issued_and_its_contact_reads_only_that(app, client, login, world, product):
    assert move(client, product.id, quantity="3", unit_id=str(world.unit_a1), taker_name="店主",
                signature="店主").status_code == 303
    assert move(client, product.id, kind="return", quantity="3.001", unit_id=str(world.unit_a1)).status_code == 422
    assert move(client, product.id, kind="return", quantity="1", unit_id=str(world.unit_a1)).status_code == 303
    assert move(client, product.id, quantity="1", unit_id=str(world.unit_b1), taker_name="店主",
                signature="店主").status_code == 422  # another township's unit
    login("unit_a1")
    page = client.get(f"/supplies/{product.id}")
    assert page.status_code == 200 and "a1饭店" in page.text and "2 千克" in page.text
    login("county")
    assert client.get("/supplies/").status_code == 403
    assert stock_of(app, product.id) == Decimal(18)


def test_the_stock_runs_down_to_the_gram_without_drifting(app, client, world, product):
    """Twenty-one issues of 0.95 kg out of 19.95 kg leave exactly 0 (and the last one is not
    refused): SQLite keeps NUMERIC as a binary float, where unrounded sums drift below 0.95."""
    assert move(client, product.id, kind="in", quantity="-0.05").status_code == 422
    assert move(client, product.id, kind="return", quantity="0.05", village_id=str(world.a1)).status_code == 422
    for _ in range(21):
        response = move(client, product.id, quantity="0.95", village_id=str(world.a1), taker_name="王五",
                        signature="王五")
        assert response.status_code == 303, (stock_of(app, product.id), response.text[:300])
    assert stock_of(app, product.id) == Decimal("0.05")
    with app.app_context():
        raw = db.session.scalar(sa.text("SELECT stock FROM pest_product WHERE id = :id"), {"id": product.id})
    assert Decimal(str(raw)) == Decimal("0.05")


# --- dates: nothing after today, nothing more than two years back ---------------------------------

TODAY = local_today()


@pytest.mark.parametrize(("day", "words"), [
    (TODAY + timedelta(days=1), "不能晚于今天"),
    (TODAY.replace(year=TODAY.year - 3), "两年"),
    ("2019-06-01", "两年"),
])
def test_a_movement_out_of_range_is_refused(app, client, product, day, words):
    before = counts(app)
    response = move(client, product.id, kind="in", quantity="2", moved_on=str(day))
    assert response.status_code == 422 and words in response.text
    assert counts(app) == before


def test_a_movement_of_today_or_last_year_is_taken(app, client, product):
    assert move(client, product.id, kind="in", quantity="2", moved_on=TODAY.isoformat()).status_code == 303
    last_year = (TODAY - timedelta(days=400)).isoformat()
    assert move(client, product.id, kind="in", quantity="2", moved_on=last_year).status_code == 303


# --- holders: a unit of another village refused, units named with their village; Excel dates ----------

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
