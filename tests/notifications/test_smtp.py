"""A real SMTP round trip: the Chinese subject and body arrive intact."""
from email import message_from_bytes, policy

import pytest

from hygiene.accounts.models import User
from hygiene.extensions import db
from tests.notifications.support import T0


@pytest.fixture
def smtp_inbox(mail_server):
    """An aiosmtpd server on 127.0.0.1 collecting what it receives."""
    from aiosmtpd.controller import Controller

    received = []

    class Collect:
        async def handle_DATA(self, server, session, envelope):
            received.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
            return "250 OK"

    controller = Controller(Collect(), hostname="127.0.0.1", port=mail_server)
    controller.start()
    yield received
    controller.stop()


def test_an_email_notification_arrives_with_its_chinese_subject(app, world, ctx, emails, smtp_inbox,
                                                                monkeypatch):
    from hygiene.notifications.dispatch import dispatch_due
    from hygiene.notifications.services import notify

    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://aiwei.example.cn")
    notify(recipient=db.session.get(User, world.user_village_a1), kind="order_overdue",
           subject="【爱卫办】整改通知书 2026-007 已逾期", body="甲一村饭店：后厨防鼠设施未整改。",
           link="/orders/7", dedupe_key="order:7:2026-03-01", send_after=T0, channels=["email"])
    db.session.commit()
    assert dispatch_due(now=T0, worker_id="w1").sent == 1
    [(recipients, message)] = smtp_inbox
    assert recipients == ["village_a1@example.cn"]
    assert message["Subject"] == "【爱卫办】整改通知书 2026-007 已逾期"
    assert message["From"] == "aiweiban@example.cn"
    assert message["Message-ID"].startswith("<notification-")
    body = message.get_content()
    assert "后厨防鼠设施未整改" in body and "https://aiwei.example.cn/orders/7" in body
