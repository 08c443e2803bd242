"""A new round's season follows its start month while left as the form showed it, and stays
editable: the office may call an early-December round autumn."""
from datetime import date

import pytest

from hygiene.clock import local_today
from hygiene.pests.rounds.timing import season_of
from tests.pests.rounds.test_planning import NEW, round_form, rounds


@pytest.mark.parametrize(("day", "season"), [
    (date(2026, 3, 1), "spring"), (date(2026, 5, 31), "spring"), (date(2026, 6, 1), "summer"),
    (date(2026, 8, 31), "summer"), (date(2026, 9, 1), "autumn"), (date(2026, 11, 30), "autumn"),
    (date(2026, 12, 1), "winter"), (date(2027, 1, 15), "winter"), (date(2027, 2, 28), "winter"),
])
def test_the_season_of_a_start_month(day, season):
    assert season_of(day) == season


def test_the_new_form_shows_the_season_of_today(client, login, world):
    page = login("admin_a").get(NEW).text
    expected = season_of(local_today())
    assert f'<option selected value="{expected}">' in page or f'<option value="{expected}" selected' in page
    assert f'name="season_shown" type="hidden" value="{expected}"' in page


def test_a_season_left_as_shown_follows_the_start_month(app, client, login, world):
    client = login("admin_a")
    data = round_form(world, season="spring", season_shown="spring", starts_on="2026-11-25", ends_on="2026-12-05")
    assert client.post(NEW, data=data).status_code == 303
    assert rounds(app)[0].season == "autumn"


def test_a_season_the_office_chose_is_kept(app, client, login, world):
    client = login("admin_a")
    data = round_form(world, season="autumn", season_shown="winter", starts_on="2026-12-01", ends_on="2026-12-10")
    assert client.post(NEW, data=data).status_code == 303
    assert rounds(app)[0].season == "autumn"
