"""Cancelling a round asks first: the button's post shows the question, nothing moves until the
confirmation is posted; a round that cannot be cancelled is refused without asking."""
from tests.pests.rounds.test_board import two_village_round
from tests.pests.rounds.test_planning import audits, rounds


def test_cancel_asks_before_it_cancels(app, client, login, world):
    round_id = two_village_round(app, login, world)
    client = login("admin_a")
    asked = client.post(f"/pests/rounds/{round_id}/cancel")
    assert asked.status_code == 200 and "无法恢复" in asked.text and 'name="confirmed" value="1"' in asked.text
    assert rounds(app)[0].status == "announced" and audits(app, "cancel") == 0
    assert client.post(f"/pests/rounds/{round_id}/cancel", data={"confirmed": "1"}).status_code == 303
    assert rounds(app)[0].status == "cancelled" and audits(app, "cancel") == 1
    again = client.post(f"/pests/rounds/{round_id}/cancel", follow_redirects=True)
    assert "无法恢复" not in again.text and audits(app, "cancel") == 1
