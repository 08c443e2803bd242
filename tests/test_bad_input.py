"""Bad input answered with a message, never a 500, never half-written: lengths, NUL, huge ids,
and names that differ only by invisible characters."""
import sqlalchemy as sa

from hygiene.accounts.models import User
from hygiene.extensions import db
from hygiene.places.models import Village
from hygiene.places.rules import clean_text
from tests.inspections.plans.test_views import english, plan_form, sheet  # noqa: F401  (fixture)


def user_form(world, **extra):
    return {"username": "new_one", "display_name": "新用户", "role": "inspector",
            "township_id": str(world.ta), "password": "long-enough-1"} | extra


def users(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_an_over_long_user_name_is_refused_in_the_form(app, client, world, login):
    english(client, "admin_a", login)
    before = users(app)
    for field in ("username", "display_name", "phone"):
        response = client.post("/users/new", data=user_form(world, **{field: "长" * 41}))
        assert response.status_code == 422, field
        assert "At most" in response.text and "characters" in response.text, field
    response = client.post(f"/users/{world.user_inspector_a}/edit",
                           data=user_form(world, username="x" * 41, password=""))
    assert response.status_code == 422
    assert users(app) == before
    with app.app_context():
        assert db.session.get(User, world.user_inspector_a).username == "inspector_a"


def test_an_over_long_plan_name_is_refused_in_the_form(app, client, world, login, sheet):  # noqa: F811
    english(client, "admin_a", login)
    response = client.post("/plans/new", data=plan_form(world, sheet, name="计" * 121))
    assert response.status_code == 422 and "At most 120 characters" in response.text


def test_a_nul_anywhere_is_a_400_that_says_so(app, client, world, login):
    english(client, "admin_a", login)
    for response in (client.get("/register/units/?q=%00"), client.get("/users/?q=a%00"),
                     client.post("/users/new", data=user_form(world, display_name="a\x00b")),
                     client.post("/users/new", json={"username": "\x00"})):
        assert response.status_code == 400
        assert "NUL" in response.text
    assert client.get("/public/?q=%00").status_code == 400  # anonymous pages too
    assert users(app) == 7


def test_ids_beyond_the_integer_range_are_not_found(client, world, login):
    for url in (f"/public/{2**31}/", f"/public/{10**30}/", "/public/99999999999/"):
        assert client.get(url).status_code == 404
    login("admin_a")
    assert client.get(f"/users/{2**31}").status_code == 404
    assert client.get(f"/users/{2**31 - 1}").status_code == 404  # in range, just not there
    assert client.get(f"/register/units/?village_id={10**30}&page={10**30}").status_code == 200


def test_names_that_differ_only_by_invisible_characters_are_the_same_name(app, client, world, login):
    assert clean_text("甲一\u200b村\ufeff") == "甲一村"
    assert clean_text("ＡＢＣ　１２３") == "ABC 123"
    english(client, "admin_a", login)
    response = client.post("/users/new", data=user_form(world, username="admin\u200b_a"))
    assert response.status_code == 422 and "is taken" in response.text
    response = client.post("/register/villages/new", data={
        "township_id": str(world.ta), "name": "甲一\u200b村", "kind": "village"})
    assert response.status_code == 422
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Village).where(
            Village.township_id == world.ta)) == 2


def test_invisible_characters_never_reach_the_database(app, client, world, login):
    login("admin_a")
    response = client.post("/users/new", data=user_form(world, username="zw\u200b_user",
                                                         display_name="\u200b张\u200d三 "))
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "zw_user"))
        assert user is not None and user.display_name == "张三"


def test_chinese_punctuation_in_a_name_stays_as_typed():
    assert clean_text("张记饭店（甲）：分店，二楼") == "张记饭店（甲）：分店，二楼"
