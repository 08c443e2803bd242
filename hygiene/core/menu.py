"""The main menu, kept rendered: every signed-in page shows it, and it depends only on which
entries the user's scope sees, the language and the site's root. Rendering it (25 links and their
words) cost a list page about as much as its own table; now it is rendered once per such key and
process (bench/dashboard.py)."""
from __future__ import annotations

import threading
from types import SimpleNamespace

from flask import current_app, request
from markupsafe import Markup

from hygiene.access.scope import Scope

# the Scope properties templates/_menu.html reads: its only input besides language and root
MENU_ENTRIES = ("register_menu_entry", "sees_supplies", "sees_pest_monitoring", "sees_toilets", "sees_letters",
                "sees_briefing", "sees_creation", "sees_education", "sees_food_safety", "sees_campaigns",
                "sees_office_menu", "sees_admin_menu")
# a site root comes from the server or a proxy's header: a bounded memory whatever arrives
MAX_KEPT = 64

_lock = threading.Lock()


def main_menu(scope: Scope, locale: str) -> Markup:
    """The menu for `scope` in `locale`, rendered once per (entries, language, site root)."""
    entries = tuple(getattr(scope, name) for name in MENU_ENTRIES)
    key = (entries, locale, request.script_root)
    kept: dict[tuple, Markup] = current_app.extensions.setdefault("main_menu", {})
    menu = kept.get(key)
    if menu is None:
        # rendered without the context processors: the template sees `menu` and the environment's
        # globals (url_for, the translations), so it cannot come to depend on anything else
        menu = Markup(current_app.jinja_env.get_template("_menu.html").render(
            menu=SimpleNamespace(**dict(zip(MENU_ENTRIES, entries, strict=True)))))
        with _lock:
            if len(kept) >= MAX_KEPT:
                kept.clear()
            kept[key] = menu
    return menu
