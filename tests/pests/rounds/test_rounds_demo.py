"""The demo's rounds: this year's rat, mosquito-and-fly, cockroach and snail rounds, closed, and
the winter round still planned; the pages read them."""
import sqlalchemy as sa

import hygiene.models  # noqa: F401  every table first, so mappers resolve names whatever is collected next
from hygiene.demo.township import DEMO_PASSWORD
from hygiene.pests.rounds.models import PestRound, RoundTarget


def test_the_demo_plans_the_years_rounds(app, db, client):
    from hygiene.demo import demo_load

    with app.app_context():
        assert demo_load()
        db.session.commit()
        made = {r.name: r for r in db.session.scalars(sa.select(PestRound))}
        targets = {name: db.session.scalars(sa.select(RoundTarget).where(RoundTarget.round_id == r.id)).all()
                   for name, r in made.items()}
        spring = made["2026年春季统一灭鼠"]
        assert spring.status == "closed" and spring.product.name == "溴敌隆毒饵" and len(targets[spring.name]) == 12
        assert spring.starts_on.month == 3 and spring.ends_on.month == 4
        autumn = made["2026年秋季统一灭鼠"]
        assert autumn.status == "closed" and autumn.starts_on.month == 10 and autumn.starts_on.day >= 15
        summer = [r for r in made.values() if r.season == "summer" and "mosquito" in r.pests]
        assert len(summer) == 3 and all(r.pests == ["mosquito", "fly"] for r in summer)
        roaches = made["2026年夏季餐饮单位灭蟑"]
        assert targets[roaches.name] and all(t.unit_id for t in targets[roaches.name])
        snail = made["2026年春季查螺灭螺"]
        assert len(targets[snail.name]) == 3 and all(t.area_target and t.area_unit for t in targets[snail.name])
        winter = made["2026年冬季灭鼠灭蚊"]
        assert winter.status == "planned" and winter.starts_on.month == 12
    client.post("/login", data={"username": "admin", "password": DEMO_PASSWORD})
    assert "2026年秋季统一灭鼠" in client.get("/pests/rounds/board").text
    assert "2026年冬季灭鼠灭蚊" in client.get("/pests/rounds/?status=planned").text
    client.post("/logout")
    client.post("/login", data={"username": "village", "password": DEMO_PASSWORD})
    listing = client.get("/pests/rounds/").text
    assert "2026年春季统一灭鼠" in listing and "2026年冬季灭鼠灭蚊" not in listing
