"""The main menu is kept rendered per set of entries, language and site root: whoever signs in
next, in whichever language, under whichever root, sees their own menu."""
from __future__ import annotations

import re


def _menu(html: str) -> str:
    return html.split('class="mainnav"', 1)[1].split("</nav>", 1)[0]


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', _menu(html))


def test_each_user_sees_their_own_menu_whoever_was_shown_one_before(client, login, world):
    office = _links(login("admin_a").get("/").text)
    village = _links(login("village_a1").get("/").text)
    unit = _links(login("unit_a1").get("/").text)
    assert "/users/" in office and "/plans/" in office
    assert "/users/" not in village and "/plans/" not in village and "/register/units/" in village
    assert not any(link.startswith("/register/") for link in unit)
    # asked again in another order: the same menus, none of them another role's
    assert _links(login("unit_a1").get("/").text) == unit
    assert _links(login("admin_a").get("/").text) == office
    assert _links(login("village_a1").get("/").text) == village


def test_the_menu_speaks_the_pages_language(client, login, world):
    client = login("inspector_a")
    chinese = _menu(client.get("/").text)
    english = _menu(client.get("/?lang=en").text)
    assert "检查" in chinese and "Inspections" not in chinese
    assert "Inspections" in english and "检查" not in english
    assert "检查" in _menu(client.get("/?lang=zh_CN").text)


def test_the_menu_links_go_under_the_sites_root(client, login, world):
    client = login("admin_a")
    rooted = _links(client.get("/", base_url="http://localhost/aiwei").text)
    plain = _links(client.get("/").text)
    assert rooted and all(link.startswith("/aiwei/") for link in rooted)
    assert not any(link.startswith("/aiwei") for link in plain)
    assert [link.removeprefix("/aiwei") for link in rooted] == plain
