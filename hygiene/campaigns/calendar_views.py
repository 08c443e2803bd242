"""The year's campaign calendar: the events (built in and the office's own), generating the
year's built-in events, adding and editing events, the reminder settings. Thin: rules in
services.py, reads in queries.py."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.campaigns import queries, services, yearly
from hygiene.campaigns.forms import EventForm, SettingsForm
from hygiene.campaigns.schemas import CampaignInvalid, EventInput, SettingsInput
from hygiene.campaigns.views import read_year
from hygiene.clock import local_today, now_utc
from hygiene.core.schemas import parse_input
from hygiene.core.web import (
    FilterReader,
    attempt,
    current_scope,
    form_step,
    require_office,
    say_done,
    say_left_out,
    show_refusal,
)

bp = Blueprint("campaign_calendar", __name__, url_prefix="/campaigns")


@bp.before_request
@login_required
def _signed_in() -> None:
    """The calendar is the office's: contacts get 403 (each view asks require_office)."""


def _planner():
    scope = current_scope()
    if not scope.is_admin or scope.township_id is None:
        abort(403)
    return scope


@bp.get("/calendar")
def calendar_page():
    scope = require_office()
    filters = FilterReader(request.args)
    year = filters.pick("year", read_year) or local_today().year
    say_left_out(filters.unread)
    events = queries.year_events(scope=scope, year=year)
    missing = {e.key for e in yearly.year_events(year)} - {e.key for e in events}
    return render_template("campaigns/calendar.html", year=year, events=events, missing=len(missing),
                           campaigns=queries.campaigns_of_events([e.id for e in events]),
                           plans=scope.is_admin and scope.township_id is not None,
                           official=year in yearly.official_years())


@bp.post("/calendar/generate")
def calendar_generate():
    scope = _planner()
    year = read_year(request.form.get("year", ""))
    if year is None:
        flash(_("Enter a year from %(first)d to %(last)d.", first=yearly.FIRST_YEAR, last=yearly.LAST_YEAR), "error")
        return redirect(url_for(".calendar_page"), 303)
    back = url_for(".calendar_page", year=year)
    return form_step(lambda: services.calendar_generate(scope=scope, actor_id=current_user.id, year=year, now=now_utc()),
                     done=lambda result: _generated_words(year, *result), back=back)


def _generated_words(year: int, made: int, provisional: list[str]) -> str:
    said = _("%(n)d events of %(year)d added to the calendar.", n=made, year=year) if made else \
        _("The calendar of %(year)d already has every built-in event.", year=year)
    if provisional:
        said += " " + _("The official holidays are known up to %(last)d: the dates of %(names)s follow the "
                        "statutory holidays and are provisional; check them when the State Council publishes the "
                        "year's holidays.", last=max(yearly.official_years()), names="、".join(provisional))
    return said


@bp.route("/calendar/new", methods=["GET", "POST"])
def event_new():
    scope = _planner()
    year = read_year(request.args.get("year", "")) or local_today().year
    form = EventForm(data=None if request.method == "POST" else {"request_key": secrets.token_hex(16)})
    if form.validate_on_submit():
        _saved, error = attempt(lambda: services.event_create(
            scope=scope, actor_id=current_user.id, year=year, now=now_utc(),
            data=parse_input(EventInput, form.data, invalid=CampaignInvalid)))
        if error is None:
            say_done(_("The event is on the calendar."))
            return redirect(url_for(".calendar_page", year=year), 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template("campaigns/event_form.html", form=form, year=year, event=None), status


@bp.route("/calendar/<int:event_id>/edit", methods=["GET", "POST"])
def event_edit(event_id: int):
    scope = current_scope()
    event = queries.event_get(scope=scope, event_id=event_id)
    _planner()
    form = EventForm(data=None if request.method == "POST" else {
        "name": event.name, "starts_on": event.starts_on.isoformat(), "ends_on": event.ends_on.isoformat(),
        "note": event.note})
    if form.validate_on_submit():
        _saved, error = attempt(lambda: services.event_update(
            scope=scope, actor_id=current_user.id, event=event, now=now_utc(),
            data=parse_input(EventInput, form.data, invalid=CampaignInvalid)))
        if error is None:
            say_done(_("The event is changed."))
            return redirect(url_for(".calendar_page", year=event.year), 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template("campaigns/event_form.html", form=form, year=event.year, event=event), status


@bp.route("/settings", methods=["GET", "POST"])
def settings_page():
    scope = _planner()
    start, due = queries.reminder_days({scope.township_id})[scope.township_id]
    form = SettingsForm(data=None if request.method == "POST" else {"days_before_start": str(start),
                                                                     "days_before_due": str(due)})
    if form.validate_on_submit():
        _saved, error = attempt(lambda: services.settings_save(
            scope=scope, actor_id=current_user.id, now=now_utc(),
            data=parse_input(SettingsInput, form.data, invalid=CampaignInvalid)))
        if error is None:
            say_done(_("The reminder settings are saved."))
            return redirect(url_for("campaigns.campaign_list"), 303)
        show_refusal(form, error)
    status = 422 if request.method == "POST" and (form.errors or form.form_errors) else 200
    return render_template("campaigns/settings.html", form=form, defaults=yearly.reminder_defaults()), status
