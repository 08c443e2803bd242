"""The inspection list names each inspection's inspectors, read for the page's rows at once."""
from __future__ import annotations

from hygiene.accounts.models import User
from hygiene.extensions import db
from hygiene.inspections.models import Inspection


def test_the_list_names_every_inspector_of_each_row_escaped(app, world, inspection, login):
    with app.app_context():
        second = User(username="inspector_a2", display_name="王<二>", role="inspector", township_id=world.ta)
        second.set_password("x" * 12)
        db.session.add(second)
        row = db.session.get(Inspection, inspection.id)
        row.inspectors = [db.session.get(User, world.user_inspector_a), second]
        db.session.commit()
    page = login("admin_a").get("/inspections/").text
    assert "inspector_a、王&lt;二&gt;" in page and "王<二>" not in page
    # a village contact's list shows the same names for their village's inspection
    assert "inspector_a、王&lt;二&gt;" in login("village_a1").get("/inspections/").text
    assert "a1饭店" not in login("admin_b").get("/inspections/").text
