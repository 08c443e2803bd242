"""Published rankings through the API: public (no token), the frozen snapshot as the public page
shows it, never recomputed, corrections as publications of their own, filters and pages."""
from __future__ import annotations

import sqlalchemy as sa

from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from hygiene.rankings.models import RankingPublication
from tests.api.helpers import bearer, token_for
from tests.rankings.test_public import add_inspections, publish
from tests.rankings.test_public import october as october  # noqa: F401  (the public pages' fixtures)
from tests.rankings.test_public import version as version  # noqa: F401


def test_a_published_ranking_reads_without_a_token_as_the_public_page_shows_it(client, world, october):
    answer = client.get(f"/api/v1/rankings/{october}")
    assert answer.status_code == 200, answer.json
    ranking = answer.json
    assert (ranking["township_id"], ranking["subject"], ranking["corrects_id"]) == (world.ta, "villages", None)
    assert ranking["period"] == {"key": "2026-10", "kind": "month", "start": "2026-10-01", "end": "2026-10-31"}
    assert [(r["rank"], r["id"], r["name"], r["score"], r["reason"]) for r in ranking["rows"]] == [
        (1, world.a2, "甲二村", "90.00", None), (2, world.a1, "甲一村", "85.00", None)]
    assert ranking["red_list"] == [{"rank": 1, "id": world.a2, "name": "甲二村", "score": "90.00"}]
    assert ranking["black_list"] == [{"rank": 2, "id": world.a1, "name": "甲一村", "score": "85.00"}]
    assert "components" not in ranking["rows"][0]  # what the public page shows, no more


def test_the_snapshot_stays_as_published_when_the_scores_change(app, client, world, october):
    with app.app_context():
        db.session.execute(sa.update(Inspection).values(score=10))
        db.session.commit()
    rows = client.get(f"/api/v1/rankings/{october}").json["rows"]
    assert [(r["name"], r["score"]) for r in rows] == [("甲二村", "90.00"), ("甲一村", "85.00")]


def test_a_correction_is_a_publication_naming_the_one_it_corrects(app, client, world, version, october):
    with app.app_context():
        add_inspections(version, world.ta, world.a1, 10, [100, 100])
        corrected = publish(world.ta, "2026-10", corrects=db.session.get(RankingPublication, october),
                            note="补录两次检查").id
        db.session.commit()
    listed = client.get("/api/v1/rankings").json
    assert [(p["id"], p["corrects_id"]) for p in listed["items"]] == [(october, None), (corrected, october)]
    shown = client.get(f"/api/v1/rankings/{corrected}").json
    assert shown["note"] == "补录两次检查" and shown["rows"][0]["name"] == "甲一村"


def test_rankings_are_filtered_and_paged(app, client, world, version, october):
    with app.app_context():
        add_inspections(version, world.ta, world.a1, 11, [70, 75])
        add_inspections(version, world.ta, world.a2, 11, [60, 65])
        november = publish(world.ta, "2026-11").id
        db.session.commit()

    def ids(**query) -> list[int]:
        answer = client.get("/api/v1/rankings", query_string=query)
        assert answer.status_code == 200, answer.json
        return [p["id"] for p in answer.json["items"]]

    assert ids() == [october, november]
    assert ids(period_key="2026-11") == [november]
    assert ids(township_id=world.tb) == []
    assert ids(subject="units:catering") == []
    first = client.get("/api/v1/rankings?limit=1").json
    assert [p["id"] for p in first["items"]] == [october]
    assert [p["id"] for p in client.get(f"/api/v1/rankings?limit=1&cursor={first['next_cursor']}").json["items"]] \
        == [november]
    for bad in ({"period_key": "October"}, {"subject": "everyone"}, {"township_id": "0"}, {"limit": "0"}):
        assert client.get("/api/v1/rankings", query_string=bad).status_code == 422, bad


def test_an_unknown_publication_is_not_found_and_a_token_changes_nothing(app, client, world, october):
    assert client.get("/api/v1/rankings/999999").status_code == 404
    assert client.get("/api/v1/rankings/99999999999999").status_code == 404
    other = bearer(token_for(app, world.user_village_b1))  # a published ranking is everyone's to read
    assert client.get(f"/api/v1/rankings/{october}", headers=other).status_code == 200


def test_the_list_runs_a_fixed_number_of_queries(app, client, world, version, october, count_queries):
    seen = []
    for month in (9, 11):
        with count_queries() as queries:
            assert client.get("/api/v1/rankings").status_code == 200
        seen.append(queries[0])
        with app.app_context():
            add_inspections(version, world.ta, world.a1, month, [70, 75])
            add_inspections(version, world.ta, world.a2, month, [60, 65])
            publish(world.ta, f"2026-{month:02d}")
            db.session.commit()
    with count_queries() as queries:
        assert len(client.get("/api/v1/rankings").json["items"]) == 3
    assert len(set([*seen, queries[0]])) == 1, seen
