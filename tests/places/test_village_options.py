"""The lists' village filter: every village the scope reads, the chosen one marked, names escaped,
kept per list of villages and never another list's."""
from __future__ import annotations

import re

from hygiene.extensions import db
from hygiene.places.models import Village


def _options(html: str) -> list[tuple[str, bool, str]]:
    select = html.split('name="village_id"', 1)[1].split("</select>", 1)[0]
    return [(value, bool(sel), name) for value, sel, name in
            re.findall(r'<option value="(\d+)"( selected)?>([^<]*)</option>', select)]


def test_the_filter_offers_the_scopes_villages_and_marks_the_chosen_one(client, login, world):
    client = login("admin_a")
    shown = _options(client.get("/orders/").text)
    assert [(v, n) for v, _s, n in shown] == [(str(world.a1), "甲一村"), (str(world.a2), "甲二村")]
    assert not any(s for _v, s, _n in shown)
    chosen = _options(client.get(f"/orders/?village_id={world.a2}").text)
    assert [(v, s) for v, s, _n in chosen] == [(str(world.a1), False), (str(world.a2), True)]
    assert not any(s for _v, s, _n in _options(client.get("/orders/").text))   # the kept list is unmarked


def test_a_renamed_or_added_village_shows_at_once_and_names_are_escaped(app, client, login, world):
    client = login("admin_a")
    _options(client.get("/inspections/").text)
    with app.app_context():
        db.session.get(Village, world.a1).name = "甲<一>村"
        db.session.add(Village(name="甲三村", township_id=world.ta))
        db.session.commit()
    html = client.get("/inspections/").text
    assert "甲&lt;一&gt;村" in html and "甲<一>村" not in html
    # the order of Chinese names is the database's collation: compare what is offered
    assert sorted(n for _v, _s, n in _options(html)) == sorted(["甲&lt;一&gt;村", "甲三村", "甲二村"])
    assert [n for _v, _s, n in _options(login("admin_b").get("/inspections/").text)] == ["乙一村"]


def test_a_filter_on_a_village_the_list_does_not_offer_says_so(app, client, login, world):
    """A deactivated village's id, or an id of none the scope reads: the list is filtered by it (its
    old records, or nothing), and the filter says which, rather than "all villages"."""
    with app.app_context():
        db.session.get(Village, world.a2).active = False
        db.session.commit()
    client = login("admin_a")
    for village_id in (world.a2, world.b1, 99999):
        html = client.get(f"/orders/?village_id={village_id}").text
        select = html.split('name="village_id"', 1)[1].split("</select>", 1)[0]
        assert f'<option value="{village_id}" selected>列表外的村/社区（编号{village_id}）</option>' in select
        assert select.count("selected") == 1
    english = client.get("/orders/?village_id=99999&lang=en").text
    assert "A village not in this list (no. 99999)" in english
