"""The in-app inbox: the bell counts and the list shows only the user's own, due notifications."""
from datetime import timedelta

import sqlalchemy as sa
from flask import render_template
from flask_login import login_user

from hygiene.accounts.models import User
from hygiene.clock import now_utc
from hygiene.extensions import db


def queue(app, user_id, key, *, link="/orders/7", due_in=timedelta(0), subject="整改单将到期"):
    from hygiene.notifications.services import notify

    with app.app_context():
        [row] = notify(recipient=db.session.get(User, user_id), kind="order_due", subject=subject,
                       body="第一行\n第二行", link=link, dedupe_key=key,
                       send_after=now_utc() + due_in, channels=["in_app"])
        db.session.commit()
        return row.id


def read_at(app, row_id):
    from hygiene.notifications.models import Notification

    with app.app_context():
        return db.session.get(Notification, row_id).read_at


def test_the_bell_counts_only_the_users_own_due_unread_notifications(app, world):
    from hygiene.notifications.queries import unread_count

    for key in ("a", "b"):
        queue(app, world.user_village_a1, key)
    queue(app, world.user_village_a1, "later", due_in=timedelta(days=1))
    queue(app, world.user_village_b1, "theirs")
    with app.app_context():
        assert unread_count(world.user_village_a1) == 2 and unread_count(world.user_inspector_a) == 0
    with app.test_request_context("/"):
        login_user(db.session.get(User, world.user_village_a1))
        bell = render_template("notifications/_bell.html")
    assert 'data-unread="2"' in bell and "/notifications/" in bell


def test_the_bell_comes_with_the_signed_in_user_in_the_sign_ins_own_statement(app, world, login):
    """Every signed-in page shows the bell: its count is read in the statement that loads the
    sign-in and the user, so the header costs the page no statement of its own."""
    queue(app, world.user_village_a1, "a")
    queue(app, world.user_village_a1, "b")
    queue(app, world.user_village_a1, "later", due_in=timedelta(days=1))
    client = login("village_a1")
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        page = client.get("/notifications/").text
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert 'data-unread="2"' in page
    counting = [s for s in statements if "notification.read_at IS NULL" in s]
    assert len(counting) == 1 and "user_session" in counting[0], statements
    # read in the same request after the count was taken (a POST then its redirect): the next page says so
    client.post("/notifications/read", data={"upto": 10**6})
    assert "data-unread" not in client.get("/notifications/").text


def test_the_list_shows_the_users_own_notifications_newest_first(app, world, login):
    queue(app, world.user_village_a1, "old", subject="旧的通知")
    queue(app, world.user_village_a1, "new", subject="新的通知")
    queue(app, world.user_village_a1, "later", subject="明天的通知", due_in=timedelta(days=1))
    queue(app, world.user_village_b1, "theirs", subject="乙村的通知")
    page = login("village_a1").get("/notifications/").text
    assert page.index("新的通知") < page.index("旧的通知")
    assert "乙村的通知" not in page and "明天的通知" not in page
    assert "第一行<br>第二行" in page


def test_mark_all_read_marks_what_was_shown(app, world, login):
    shown = [queue(app, world.user_village_a1, key) for key in ("a", "b")]
    client = login("village_a1")
    response = client.post("/notifications/read", data={"upto": max(shown)})
    assert response.status_code == 302
    arrived_since = queue(app, world.user_village_a1, "c")
    assert all(read_at(app, i) for i in shown) and read_at(app, arrived_since) is None


def test_opening_a_notification_marks_it_read_and_follows_its_link(app, world, login):
    row_id = queue(app, world.user_village_a1, "a")
    response = login("village_a1").post(f"/notifications/{row_id}/read", data={"open": "1"})
    assert response.status_code == 302 and response.headers["Location"] == "/orders/7"
    assert read_at(app, row_id) is not None


def test_someone_elses_notification_is_not_found(app, world, login):
    from hygiene.notifications.models import Notification

    theirs = queue(app, world.user_village_b1, "theirs")
    client = login("village_a1")
    assert client.post(f"/notifications/{theirs}/read").status_code == 404
    assert client.post("/notifications/read", data={"upto": theirs}).status_code == 302
    assert read_at(app, theirs) is None
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 1


def test_the_inbox_needs_a_signed_in_user(client, world):
    assert client.get("/notifications/").status_code == 302
