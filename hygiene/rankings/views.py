"""Ranking pages for the office: compute, explain, settings, publish, the monthly notice."""
from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.access.scope import Scope
from hygiene.clock import local_today, now_utc
from hygiene.core.input import db_int
from hygiene.core.periods import Period, parse_period, period_containing
from hygiene.core.web import attempt, current_scope, require_admin, require_office, show_refusal
from hygiene.creation.ranking import facts_text as creation_facts_text
from hygiene.education.ranking import facts_text as education_facts_text
from hygiene.pests.ranking import facts_text as pest_facts_text
from hygiene.places.queries import visible_townships
from hygiene.places.rules import UNIT_CATEGORIES
from hygiene.rankings import forms, queries, services
from hygiene.rankings.components import COMPONENTS, Subject
from hygiene.rankings.forms import PublishForm, SettingsForm
from hygiene.rankings.maths import component_shares
from hygiene.rankings.schemas import settings_input
from hygiene.toilets.ranking import facts_text as toilet_facts_text

bp = Blueprint("rankings", __name__, url_prefix="/rankings")


@bp.before_request
@login_required
def _office_only() -> None:
    """Admins and inspectors read rankings; contacts get 403 on every page here."""
    require_office()


@bp.context_processor
def _helpers() -> dict:
    return {"components": COMPONENTS, "weighed": weighed, "period_label": forms.period_label,
            "pest_facts": pest_facts_text, "toilet_facts": toilet_facts_text, "creation_facts": creation_facts_text,
            "education_facts": education_facts_text, "subject_label": forms.subject_label,
            "spans": forms.SPANS, "subject_choices": forms.subject_choices, "unit_categories": UNIT_CATEGORIES,
            "default_weights": {c.key: c.default_weight for c in COMPONENTS},
            "default_minimums": (services.DEFAULT_MIN_INSPECTIONS, services.DEFAULT_LIST_SIZE)}


def weighed(weights: dict) -> list:
    """The components a ranking's weights count (a column for each in its tables); a component
    with weight 0, or one that joined after a snapshot was published, has none."""
    return [c for c in COMPONENTS if Decimal(str(weights.get(c.key) or 0)) > 0]


@bp.get("/")
def ranking_page():
    subject, period = _selection(fallback=True)
    return _render_page(subject, period)


@bp.post("/settings")
def settings_update():
    scope = require_admin()
    subject, period = _selection()
    form = SettingsForm()
    if form.validate_on_submit():
        _settings, error = attempt(lambda: services.settings_save(
            scope=scope, actor_id=current_user.id, township_id=subject.township_id,
            data=settings_input(form.data)))
        if error is not None:
            show_refusal(form, error)
        else:
            flash(_("Ranking settings saved."), "success")
            return redirect(_page_url(subject, period), 303)
    return _render_page(subject, period, settings_form=form), 422


@bp.post("/publish")
def ranking_publish():
    scope = require_admin()
    subject, period = _selection()
    form = PublishForm()
    if form.validate_on_submit():
        current = services.publication_current(township_id=subject.township_id, subject_key=subject.key,
                                               period_key=period.key)
        publication, error = attempt(lambda: services.ranking_publish(
            scope=scope, actor_id=current_user.id, subject=subject, period=period, today=local_today(),
            now=now_utc(), note=form.note.data or "", corrects=current))
        if error is not None:
            flash(error.message, "error")
        else:
            flash(_("The ranking of %(period)s is published.", period=forms.period_label(period.key)), "success")
            return redirect(url_for(".publication_detail", publication_id=publication.id), 303)
    return _render_page(subject, period, publish_form=form), 422


@bp.get("/explain")
def explain():
    subject, period = _selection()
    candidate_id = request.args.get("id", type=db_int) or abort(400)
    ranking = services.ranking_compute(subject=subject, period=period)
    row = next((r for r in ranking.rows if r.candidate.id == candidate_id), None) or abort(404)
    inspections = queries.explain_inspections(subject=subject, period=period, candidate_id=candidate_id)
    terms = [(ranking.weights[k], v) for k, v in row.candidate.components.items()
             if v is not None and ranking.weights.get(k, 0) > 0]
    return render_template("rankings/explain.html", ranking=ranking, row=row, inspections=inspections,
                           terms=terms, shares=component_shares(ranking.weights, row.candidate.components),
                           args=_args(subject, period))


@bp.get("/publications/<int:publication_id>")
def publication_detail(publication_id: int):
    publication = queries.publication_get(scope=current_scope(), publication_id=publication_id)
    return render_template("rankings/publication.html", publication=publication,
                           context=queries.publication_context(publication))


@bp.get("/publications/<int:publication_id>/notice")
def publication_notice(publication_id: int):
    publication = queries.publication_get(scope=current_scope(), publication_id=publication_id)
    previous = queries.publication_previous(publication)
    return render_template("rankings/notice.html", publication=publication, previous=previous,
                           period=parse_period(publication.period_key),
                           changes=queries.rank_changes(publication.rows, previous.rows) if previous else [],
                           context=queries.publication_context(publication),
                           township=queries.township_name(publication.township_id))


def _render_page(subject: Subject, period: Period, *, settings_form=None, publish_form=None):
    """The live ranking with the pickers, the rules, and for admins the settings and publishing."""
    scope = current_scope()
    ranking = services.ranking_compute(subject=subject, period=period)
    rows = queries.live_rows(ranking)
    current = services.publication_current(township_id=subject.township_id, subject_key=subject.key,
                                           period_key=period.key)
    return render_template(
        "rankings/index.html", ranking=ranking, rows=rows, args=_args(subject, period), current=current,
        differences=queries.publication_differences(current, rows) if current else [],
        amended=queries.amendments_since(current, subject, period) if current else [],
        publications=services.publications_of(township_id=subject.township_id), can_publish=scope.is_admin,
        settings_form=settings_form or (SettingsForm.of(ranking) if scope.is_admin else None),
        publish_form=publish_form or PublishForm(formdata=None),
        townships=visible_townships(scope) if scope.is_county_admin else [],
        assessment=_assessment_beside(scope, subject, period))


def _assessment_beside(scope: Scope, subject: Subject, period: Period) -> list | None:
    """A year's village ranking shows the year-end target assessment of the same villages beside
    it (the letters' board, read from the measurements each letter keeps: one statement)."""
    if period.kind != "year" or subject.kind != "villages" or not scope.township_wide:
        return None
    from hygiene.letters.queries import assessment_board

    township = scope if scope.township_id is not None else Scope(scope.role, subject.township_id)
    return assessment_board(scope=township, year=period.start.year, subject="village")


def _selection(*, fallback: bool = False) -> tuple[Subject, Period]:
    """The township, subject and period asked for; a nonsense one is a 400, or the default."""
    township_id = _township_id()
    default = period_containing("month", local_today()).previous()
    try:
        return (forms.read_subject(township_id, request.args.get("subject")),
                forms.read_period(request.args, default))
    except ValueError:
        if not fallback:
            abort(400)
        flash(_("There is no such period or list; showing the default instead."), "error")
        return Subject(township_id, "villages"), default


def _township_id() -> int:
    """The user's township; a county admin picks one with ?township_id= (else the first)."""
    scope = current_scope()
    if scope.township_id is not None:
        return scope.township_id
    ids = [t.id for t in visible_townships(scope)]
    wanted = request.args.get("township_id", type=db_int)
    if wanted in ids or (wanted is None and ids):
        return wanted or ids[0]
    abort(404)


def _args(subject: Subject, period: Period) -> dict:
    """What links back to this ranking carry (the township only for a county admin)."""
    args = {"subject": subject.key, "period": period.key}
    return {**args, "township_id": subject.township_id} if current_scope().is_county_admin else args


def _page_url(subject: Subject, period: Period) -> str:
    return url_for(".ranking_page", **_args(subject, period))
