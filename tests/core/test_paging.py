"""List pages count at most COUNT_CAP rows and say "more than" past it; paging reaches every row."""
from __future__ import annotations

import sqlalchemy as sa

from hygiene.core import paging
from hygiene.extensions import db
from hygiene.places.models import Unit


def _units(app, world, n: int) -> None:
    with app.app_context():
        db.session.add_all([Unit(name=f"加{i:02d}店", category="shop", village_id=world.a1) for i in range(n)])
        db.session.commit()


def _stmt():
    return sa.select(Unit).order_by(Unit.name, Unit.id)


def test_a_list_longer_than_the_cap_says_more_than_and_pages_on_to_its_last_row(app, world, ctx):
    _units(app, world, 12)   # 15 units with the world's three
    first = paging.list_page(_stmt(), page=1, per_page=4, cap=5)
    assert (len(first.items), first.total, first.more, first.pages, first.has_next) == (4, 5, True, None, True)
    seen = list(first.items)
    page = first
    while page.has_next:
        page = paging.list_page(_stmt(), page=page.next_num, per_page=4, cap=5)
        seen += page.items
    assert [u.id for u in seen] == [u.id for u in db.session.scalars(_stmt())]   # every row, once, in order
    assert (page.page, page.total, page.more, page.pages, page.has_prev) == (4, 15, False, 4, True)


def test_a_list_within_the_cap_is_counted_exactly(app, world, ctx):
    _units(app, world, 7)
    page = paging.list_page(_stmt(), page=2, per_page=4, cap=50)
    assert (page.total, page.more, page.pages, page.has_next, page.prev_num) == (10, False, 3, True, 1)


def test_an_address_past_the_end_shows_the_last_page_counted_exactly(app, world, ctx):
    _units(app, world, 12)
    page = paging.list_page(_stmt(), page=99, per_page=4, cap=5)
    assert (page.page, len(page.items), page.total, page.more, page.has_next) == (4, 3, 15, False, False)


def test_the_pager_says_more_than_in_chinese_and_in_english(app, world, login, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    _units(app, world, 25)   # 27 units in township A, 20 a page
    client = login("admin_a")
    first = client.get("/register/units/").text
    assert "第1页，共3多条" in first and "page=2" in first
    last = client.get("/register/units/?page=2").text
    assert "第2/2页，共27条" in last and "page=3" not in last
    assert "Page 1, more than 3 in all" in client.get("/register/units/?lang=en").text


def test_another_township_neither_counts_nor_sees_the_rows(app, world, login, monkeypatch):
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    _units(app, world, 25)
    page = login("admin_b").get("/register/units/").text
    assert "加00店" not in page and "多条" not in page and "b1饭店" in page


def test_counts_agree_with_the_rows_for_distinct_joined_and_grouped_lists(app, world, ctx):
    """The count reads a constant in place of the rows' columns, except where the columns decide
    which rows are the same (DISTINCT): every kind of list is counted as many rows as it shows."""
    from hygiene.places.models import Village

    _units(app, world, 6)   # 9 units, 7 of them in village a1
    lists = {
        "joined": sa.select(Unit).join(Village, Village.id == Unit.village_id).where(Village.id == world.a1),
        "distinct": sa.select(Unit.village_id).distinct(),
        "grouped": sa.select(Unit.village_id, sa.func.count()).group_by(Unit.village_id),
    }
    for name, stmt in lists.items():
        rows = db.session.execute(stmt).all()
        assert paging.rows_count(stmt) == len(rows), name
        assert paging.rows_count(stmt, cap=1) == min(len(rows), 2), name   # stops at cap + 1
    assert paging.rows_count(lists["distinct"]) < paging.rows_count(sa.select(Unit.village_id))
