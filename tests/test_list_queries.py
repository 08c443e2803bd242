"""List pages run a fixed number of queries, whatever the number of rows."""
import pytest

from hygiene.accounts.models import User
from hygiene.audit.models import AuditEvent
from hygiene.extensions import db
from hygiene.places.models import Cleaner, Household, Unit, Village

LIST_URLS = ["/register/villages/", "/register/units/", "/register/households/",
             "/register/cleaners/", "/register/townships/", "/users/", "/audit/", "/"]


def add_rows(app, world, n, tag):
    """Add n more of every kind across several villages, each with a user and an audit event."""
    with app.app_context():
        villages = [Village(name=f"{tag}村{i}", township_id=world.ta) for i in range(n)]
        db.session.add_all(villages)
        db.session.flush()
        for i, village in enumerate(villages):
            db.session.add_all([
                Unit(name=f"{tag}单位{i}", category="shop", village_id=village.id),
                Household(head_name=f"{tag}户主{i}", village_id=village.id),
                Cleaner(name=f"{tag}保洁{i}", village_id=village.id)])
            user = User(username=f"{tag}u{i}", display_name=f"{tag}u{i}", role="village_contact",
                        village_id=village.id, township_id=world.ta, password_hash="x")
            db.session.add(user)
            db.session.flush()
            db.session.add(AuditEvent(action="create", entity_type="unit", entity_label=f"{tag}单位{i}",
                                      actor_id=user.id, township_id=world.ta))
        db.session.commit()


@pytest.mark.parametrize("url", LIST_URLS)
def test_list_page_query_count_does_not_grow_with_rows(app, client, world, login, count_queries, url):
    login("admin_a")
    add_rows(app, world, 10, "s")
    with count_queries() as small:
        assert client.get(url).status_code == 200
    add_rows(app, world, 90, "l")  # now 100 more than the world has
    with count_queries() as large:
        assert client.get(url).status_code == 200
    assert large[0] == small[0], f"{url}: {small[0]} queries with 10 rows, {large[0]} with 100"
