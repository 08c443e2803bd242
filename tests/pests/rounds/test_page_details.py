"""The small things of the round pages: a unit counts places, a snail round has no refusals, the
target page's crumb leads to the round, a contact's filter offers only what they can see, print
and phone styles."""
import re
from pathlib import Path

from tests.pests.rounds.test_work import field_fixture, target_url  # noqa: F401

CSS = (Path(__file__).parents[3] / "static" / "css" / "app.css").read_text(encoding="utf-8")


def test_a_unit_target_counts_places(client, login, field):
    login("unit_a1")
    assert "覆盖处数" in client.get(target_url(field.round, field.t_unit)).text
    form = client.get(target_url(field.round, field.t_unit, "/work/new")).text
    assert "覆盖处数" in form and "覆盖户数" not in form


def test_a_snail_target_has_no_refusals(client, login, field):
    login("village_a1")
    page = client.get(target_url(field.snail_round, field.t_snail)).text
    assert "/refusals/new" not in page and "拒绝/未覆盖农户" not in page
    assert "/refusals/new" in client.get(target_url(field.round, field.t_a1)).text


def test_the_crumb_links_to_the_round(client, login, field):
    login("village_a1")
    page = client.get(target_url(field.round, field.t_a1)).text
    assert f'<p class="crumbs"><a href="/pests/rounds/{field.round}">' in page
    assert client.get(f"/pests/rounds/{field.round}").status_code == 200  # the contact may read it


def test_a_contacts_status_filter_offers_only_what_they_see(client, login, field):
    login("village_a1")
    options = re.findall(r'<option value="(\w+)"', client.get("/pests/rounds/").text.split('name="status"')[1]
                         .split("</select>")[0])
    assert options == ["announced", "closed"]
    login("admin_a")
    options = re.findall(r'<option value="(\w+)"', client.get("/pests/rounds/").text.split('name="status"')[1]
                         .split("</select>")[0])
    assert options == ["planned", "announced", "closed", "cancelled"]


def test_print_hides_the_menu_buttons_and_forms_once_for_the_app():
    printed = CSS[CSS.index("@media print"):]
    for selector in (".topbar", ".actions", "form.filters", "form.inline", "a.button", "button"):
        assert selector in printed.split("}")[1], selector


def test_on_the_phone_the_totals_and_the_date_input_are_full_width():
    assert ".table tfoot" in CSS and ".field input[type=date]" in CSS
