"""The notice of a published or corrected ranking names its period as the recipients read it
(2026年10月, never the key 2026-10), whatever language the publisher reads the site in."""
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role
from hygiene.checklists.services import template_save
from hygiene.core.periods import parse_period
from hygiene.extensions import db
from hygiene.notifications.models import Notification
from hygiene.rankings import services
from hygiene.rankings.components import Subject
from tests.inspections.helpers import simple_spec
from tests.rankings.helpers import add_published


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_notice_names_the_month_in_chinese(app, world, lang):
    with app.test_request_context(f"/?lang={lang}"):
        version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None, spec=simple_spec())
        for day, score in [(5, 90), (20, 80)]:
            add_published(version_id=version.id, township_id=world.ta, village_id=world.a1,
                          day=date(2026, 10, day), score=score)
        publish = dict(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None,
                       subject=Subject(world.ta, "villages"), period=parse_period("2026-10"),
                       today=date(2026, 11, 23), now=datetime(2026, 11, 23, 2, tzinfo=UTC))
        first = services.ranking_publish(**publish)
        services.ranking_publish(**publish, corrects=first, note="更正甲一村得分")
        subjects = db.session.scalars(sa.select(Notification.subject).where(
            Notification.kind == "ranking_published", Notification.channel == "in_app")
            .order_by(Notification.id)).all()
    assert subjects == ["2026年10月排名已公布", "2026年10月排名已更正"]
