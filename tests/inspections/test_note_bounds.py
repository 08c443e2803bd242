"""A field note longer than its limit is refused with a message (it was cut silently), and an
item id beyond the database's integers is just not on the checklist."""
import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.inspections.fieldwork import NOTE_MAX_CHARS
from hygiene.inspections.models import Answer


def test_an_over_long_note_is_refused_with_a_message_and_not_cut(app, client, login, inspection):
    login("inspector_a")
    client.get("/language/en")
    url = f"/inspections/{inspection.id}/answers"
    response = client.post(url, json={"item_id": inspection.floor, "result": "pass",
                                      "note": "记" * (NOTE_MAX_CHARS + 1)})
    assert response.status_code == 422 and "at most 2000 characters" in response.json["error"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0
    exact = client.post(url, json={"item_id": inspection.floor, "result": "pass",
                                   "note": "记" * NOTE_MAX_CHARS})
    assert exact.status_code == 200
    with app.app_context():
        assert len(db.session.scalar(sa.select(Answer.note))) == NOTE_MAX_CHARS
    page = client.get(f"/inspections/{inspection.id}/fill").text
    assert f'maxlength="{NOTE_MAX_CHARS}"' in page  # the browser stops the typing there too


def test_an_item_id_beyond_the_integers_is_not_on_the_checklist(client, login, inspection):
    login("inspector_a")
    url = f"/inspections/{inspection.id}/answers"
    for item_id in (2**31, 10**30, str(10**30)):
        assert client.post(url, json={"item_id": item_id, "result": "pass"}).status_code == 422
