"""A round that takes no work (closed, cancelled, planned) does not show its work, mop-up or
refusal forms: the GET goes back to the target's page with the reason."""
import pytest

from hygiene.extensions import db
from hygiene.pests.rounds.models import PestRound
from hygiene.pests.rounds.status import RoundStatus
from tests.pests.rounds.test_work import field_fixture, target_url  # noqa: F401


@pytest.mark.parametrize(("status", "words"), [(RoundStatus.CLOSED, "已结束"), (RoundStatus.CANCELLED, "已取消")])
@pytest.mark.parametrize("form", ["/work/new", "/mop-up/new", "/refusals/new"])
def test_the_forms_of_a_round_taking_no_work_send_back_with_the_reason(app, client, login, field, status, words,
                                                                       form):
    with app.app_context():
        db.session.get(PestRound, field.round).status = status
        db.session.commit()
    login("admin_a")  # the office reads cancelled rounds too; a contact does not see them (404)
    response = client.get(target_url(field.round, field.t_a1, form))
    assert response.status_code == 303 and response.headers["Location"].endswith(target_url(field.round, field.t_a1))
    assert words in client.get(target_url(field.round, field.t_a1)).text


def test_an_announced_rounds_forms_are_shown(client, login, field):
    login("village_a1")
    for form in ("/work/new", "/mop-up/new", "/refusals/new"):
        assert client.get(target_url(field.round, field.t_a1, form)).status_code == 200
