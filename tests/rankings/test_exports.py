"""The rankings' Excel exports: the published snapshot, the live ranking, only for the township's office."""
from datetime import UTC, date, datetime
from decimal import Decimal as D
from io import BytesIO
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from hygiene.core.periods import parse_period
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.rankings import services
from hygiene.rankings.components import Subject
from tests.exports_helpers import admin_scope, book, table


@pytest.fixture
def published(app, world):
    """October: 甲一村 scores 90 and 80, 甲二村 95 once; the villages' ranking published."""
    from hygiene.checklists.services import template_save
    from tests.inspections.helpers import simple_spec
    from tests.rankings.helpers import add_published

    with app.app_context():
        version = template_save(scope=admin_scope(world), actor_id=None, spec=simple_spec())
        for village, score, day in [(world.a1, 90, 5), (world.a1, 80, 20), (world.a2, 95, 12)]:
            add_published(version_id=version.id, township_id=world.ta, village_id=village,
                          day=date(2026, 10, day), score=score)
        publication = services.ranking_publish(
            scope=admin_scope(world), actor_id=world.user_admin_a, subject=Subject(world.ta, "villages"),
            period=parse_period("2026-10"), today=date(2026, 11, 23), now=datetime(2026, 11, 2, 2, tzinfo=UTC))
        db.session.commit()
        return SimpleNamespace(id=publication.id, rows=[dict(r) for r in publication.rows])


def test_the_publication_export_is_the_snapshot_and_an_amendment_does_not_change_it(app, client, login,
                                                                                    published):
    login("inspector_a")
    before = client.get(f"/exports/rankings/{published.id}.xlsx").data
    ranking = load_workbook(BytesIO(before))
    assert [s.title for s in ranking.worksheets] == ["排名", "红黑榜", "逾期整改通知书", "说明"]
    sheet = ranking["排名"]
    assert [c.value for c in sheet[1]][:5] == ["名次", "名称", "综合得分", "检查得分", "按期整改率"]
    expected = [[r["rank"], r["name"], float(r["score"]), float(r["components"]["inspections"])]
                for r in published.rows]
    assert [r[:4] for r in table(sheet)] == expected == [[1, "甲一村", 85.0, 85.0], [None, "甲二村", 95.0, 95.0]]
    assert table(sheet)[1][-1] == "检查次数不足" and sheet["C2"].number_format == "0.00"
    assert table(ranking["红黑榜"]) == [["红榜", 1, "甲一村", 85]]
    about = dict(table(ranking["说明"]))
    assert about["发布时间"] == datetime(2026, 11, 2, 10, 0) and about["发布人"] == "admin_a"
    assert about["权重：检查得分"] == 90 and about["乡镇"] == "甲镇"
    with app.app_context():
        for row in db.session.scalars(sa.select(Inspection)):
            row.score = D(10)  # an amendment after publication
        db.session.commit()
    after = load_workbook(BytesIO(client.get(f"/exports/rankings/{published.id}.xlsx").data))
    assert table(after["排名"]) == table(sheet)
    live = book(client.get("/exports/rankings/live.xlsx?period=2026-10&subject=villages"))
    assert "未发布" in live["排名"]["A1"].value and table(live["排名"], skip=2)[0][:3] == [1, "甲一村", 10]


def test_only_the_townships_office_exports_its_rankings(client, login, published):
    for username, status in [("admin_a", 200), ("inspector_a", 200), ("admin_b", 404), ("village_b1", 404),
                             ("village_a1", 404), ("unit_a1", 404)]:
        login(username)
        assert client.get(f"/exports/rankings/{published.id}.xlsx").status_code == status, username
    login("village_a1")
    assert client.get("/exports/rankings/live.xlsx?period=2026-10").status_code == 403
    login("admin_a")
    assert client.get("/exports/rankings/live.xlsx?period=2026-99").status_code == 400
    assert client.get("/exports/rankings/live.xlsx?subject=units:nothing").status_code == 400
