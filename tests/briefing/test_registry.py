"""A domain adds its section through the registry alone: the briefing page, the shared link and
the sent text show it, in its order, without a change to the briefing."""
from __future__ import annotations

from datetime import date

import pytest

from hygiene.core.briefing_sections import (
    REGISTRY,
    Registry,
    Section,
    SectionData,
    SectionRegistrationError,
    load_section_modules,
)


def campaign_section(scope, period) -> SectionData:
    return SectionData(sentences=[f"活动任务完成{period.key}。"], headers=["村", "未完成"], rows=[["甲一村", 2]])


@pytest.fixture
def campaigns(app):
    REGISTRY.register(Section("sample_campaigns", "爱卫运动", 35, campaign_section))
    yield
    REGISTRY.unregister("sample_campaigns")


def test_a_new_section_shows_in_its_place_without_touching_the_briefing(client, login, world, campaigns):
    login("admin_a")
    page = client.get("/briefing/?period=2026-10").text
    assert "四、爱卫运动" in page and "活动任务完成2026-10。" in page and "<td>2</td>" in page
    assert page.index("排名升降") < page.index("爱卫运动") < page.index("病媒生物防制轮次")


def test_the_sent_text_names_the_new_section(app, world, campaigns):
    from hygiene.briefing.sending import send_monthly_briefings
    from tests.briefing.test_sending import morning, sent

    with app.app_context():
        send_monthly_briefings(now=morning(date(2026, 12, 1)))
        from hygiene.extensions import db

        db.session.commit()
    assert "【爱卫运动】活动任务完成2026-11。" in sent(app)[0][2]


def test_a_key_registered_twice_or_a_missing_module_stops_the_start():
    registry = Registry()
    registry.register(Section("x", "x", 1, campaign_section))
    with pytest.raises(SectionRegistrationError):
        registry.register(Section("x", "y", 2, campaign_section))
    with pytest.raises(SectionRegistrationError):
        load_section_modules(["hygiene.nowhere.briefing"])
