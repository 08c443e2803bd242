"""A resent post (the same form sent twice: a double tap, a retry after a lost answer) answers like
the first: the same page, and its message once, never twice."""
import re
import uuid

import pytest
import time_machine

from hygiene.checklists.services import templates_install_builtin
from tests.campaigns.helpers import add_campaign, complete_data
from tests.creation.helpers import application_id_of, apply, ask_review, self_assess, step
from tests.education.helpers import record
from tests.food.helpers import NOW, banquet_form, certificate_form


def messages(client, location: str) -> list[str]:
    page = client.get(location).get_data(as_text=True)
    return re.findall(r'<p class="flash flash-\w+" role="status">([^<]*)</p>', page)


def twice(client, send) -> tuple:
    first, second = send(), send()
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    return first.headers["Location"], messages(client, first.headers["Location"])


def test_a_resent_campaign_task_completion_says_done_once(app, client, login, world):
    with app.app_context():
        ids = add_campaign(world)
    login("village_a1")
    data = complete_data()
    _where, said = twice(client, lambda: client.post(f"/campaigns/tasks/{ids['a1']}/complete", data=dict(data),
                                                     content_type="multipart/form-data"))
    assert len(said) == 1


def test_a_resent_education_activity_says_recorded_once(app, client, login, world):
    login("village_a1")
    key = uuid.uuid4().hex
    _where, said = twice(client, lambda: record(client, f"village:{world.a1}", request_key=key))
    assert len(said) == 1


def test_a_resent_banquet_registration_says_registered_once(app, client, login, world):
    data = banquet_form(world.a1)
    with time_machine.travel(NOW, tick=False):
        login("village_a1")
        _where, said = twice(client, lambda: client.post("/food/banquets/new", data=data))
    assert len(said) == 1


def test_a_resent_certificate_says_saved_once(app, client, login, world):
    login("unit_a1")
    data = certificate_form(world.unit_a1)
    _where, said = twice(client, lambda: client.post("/food/certificates/new", data=data))
    assert len(said) == 1


@pytest.fixture
def checklists(app, db):
    with app.app_context():
        templates_install_builtin()
        db.session.commit()


def test_a_resent_creation_application_and_steps_say_so_once(app, client, login, world, checklists):
    login("village_a1")
    key = uuid.uuid4().hex
    where, said = twice(client, lambda: apply(client, f"v{world.a1}", request_key=key))
    assert len(said) == 1
    application_id = application_id_of(apply(client, f"v{world.a1}", request_key=key))
    client.get(where)
    login("admin_a")   # a paper self-assessment
    key = uuid.uuid4().hex
    _where, said = twice(client, lambda: self_assess(client, application_id, request_key=key))
    assert len(said) == 1
    key = uuid.uuid4().hex
    _where, said = twice(client, lambda: ask_review(client, world, application_id, request_key=key))
    assert len(said) == 1
    key = uuid.uuid4().hex
    _where, said = twice(client, lambda: step(client, application_id, "reject", note="材料不全", request_key=key))
    assert len(said) == 1


def test_a_form_resent_after_its_message_was_read_adds_none(app, client, login, world):
    with app.app_context():
        ids = add_campaign(world)
    login("village_a1")
    data = complete_data()
    first = client.post(f"/campaigns/tasks/{ids['a1']}/complete", data=dict(data), content_type="multipart/form-data")
    assert messages(client, first.headers["Location"]) == ["任务已完成。"]
    again = client.post(f"/campaigns/tasks/{ids['a1']}/complete", data=dict(data), content_type="multipart/form-data")
    assert again.headers["Location"] == first.headers["Location"]
    assert messages(client, again.headers["Location"]) == []


def test_a_retry_whose_first_answer_was_lost_still_says_done(app, client, login, world):
    """The first answer never reached the phone (its cookie with it): the retry says what happened."""
    with app.app_context():
        ids = add_campaign(world)
    login("village_a1")
    data = complete_data()
    cookie = client.get_cookie("session")
    client.post(f"/campaigns/tasks/{ids['a1']}/complete", data=dict(data), content_type="multipart/form-data")
    client.set_cookie("session", cookie.value)   # the browser never saw the first answer
    again = client.post(f"/campaigns/tasks/{ids['a1']}/complete", data=dict(data), content_type="multipart/form-data")
    assert messages(client, again.headers["Location"]) == ["该表单已提交过，任务已完成。"]
