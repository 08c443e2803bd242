"""The demo's monitoring: surveys at different levels, and a levels page that grades them."""
import sqlalchemy as sa

import hygiene.models  # noqa: F401  every table first, so mappers resolve names whatever is collected next
from hygiene.pests.monitoring.models import MonitoringRecord


def test_the_demo_has_surveys_at_different_levels(app, client, login, db):
    from hygiene.demo import DEMO_PASSWORD, demo_load

    with app.app_context():
        assert demo_load()
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MonitoringRecord)) > 0
    login("admin", DEMO_PASSWORD)
    page = client.get("/pests/levels").text
    assert all(level in page for level in ("A级", "B级", "C级", "不达标"))
    listing = client.get("/pests/monitoring/")
    assert listing.status_code == 200 and "病媒生物密度监测" in listing.text
