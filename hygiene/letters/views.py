"""Target letters: the year's list, making the year's letters, a letter (its targets, signing,
assessment, reopening) and the year-end assessment board. Thin: rules in letters.services."""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.clock import local_today, now_utc, to_local
from hygiene.core.input import optional_int
from hygiene.core.schemas import parse_input
from hygiene.core.web import (
    attempt,
    current_scope,
    form_step,
    photo_limits,
    photo_store,
    require_office,
    say_left_out,
    show_refusal,
)
from hygiene.letters import queries, services
from hygiene.letters.forms import AssessForm, SignForm, StepForm, create_form, targets_form, unit_create_form
from hygiene.letters.kinds import (
    SUBJECTS,
    TARGET_KINDS,
    assessment_opens,
    default_targets,
    kind_label,
    kinds_of,
)
from hygiene.letters.schemas import (
    FIRST_YEAR,
    LAST_YEAR,
    TARGET_PREFIX,
    AssessInput,
    CreateInput,
    SignInput,
    TargetsInput,
    UnitCreateInput,
    parse_targets,
)
from hygiene.letters.status import BADGES, EDITABLE, LetterStatus, Outcome

bp = Blueprint("letters", __name__, url_prefix="/letters")


@bp.before_request
@login_required
def _signed_in() -> None:
    if not current_scope().sees_letters:
        abort(403)


@bp.context_processor
def _words() -> dict:
    return {"kind_label": kind_label, "TARGET_KINDS": TARGET_KINDS, "LetterStatus": LetterStatus,
            "Outcome": Outcome, "LETTER_BADGES": BADGES}


def year_asked() -> int:
    """?year= when it is a year a letter can have, else this year (saying a bad one was left out)."""
    text = request.values.get("year") or ""
    year = optional_int(text)
    if year is not None and FIRST_YEAR <= year <= LAST_YEAR:
        return year
    say_left_out(["year"] if text.strip() else [])
    return local_today().year


def subject_asked() -> str | None:
    """?subject=village|unit narrows a list to villages' or units' letters; anything else: both."""
    text = request.values.get("subject") or ""
    if text in SUBJECTS:
        return text
    say_left_out(["subject"] if text.strip() else [])
    return None


@bp.get("/")
def letter_list():
    scope = current_scope()
    year, subject = year_asked(), subject_asked()
    letters = queries.letters_of_year(scope=scope, year=year, subject=subject)
    if not scope.township_wide and len(letters) == 1:  # a contact reads their own letter
        return redirect(url_for(".letter_detail", letter_id=letters[0][0].id))
    makes = _makes(scope)
    return render_template("letters/list.html", year=year, subject=subject, letters=letters, can_make=makes,
                           missing=queries.villages_without_letter(scope=scope, year=year) if makes else 0,
                           missing_units=queries.units_without_letter(scope=scope, year=year) if makes else 0)


@bp.route("/new", methods=["GET", "POST"])
def letters_new():
    scope = current_scope()
    if not _makes(scope):
        abort(403)
    form = create_form()
    if request.method == "GET":
        form.request_key.data, form.year.data = secrets.token_hex(16), str(year_asked())
        for key, value in default_targets().items():
            form[f"{TARGET_PREFIX}{key}"].data = str(value)
    if form.validate_on_submit():
        made, error = attempt(lambda: services.letters_create(
            scope=scope, actor_id=current_user.id, now=now_utc(), data=parse_targets(CreateInput, form.data)))
        if error is None:
            flash(_("%(n)d letters made.", n=made) if made else _("Every village has its letter already."), "success")
            return redirect(url_for(".letter_list", year=form.year.data), 303)
        show_refusal(form, error)
    return render_template("letters/new.html", form=form), 422 if request.method == "POST" else 200


@bp.route("/new-units", methods=["GET", "POST"])
def unit_letters_new():
    scope = current_scope()
    if not _makes(scope):
        abort(403)
    form = unit_create_form()
    if request.method == "GET":
        form.request_key.data, form.year.data = secrets.token_hex(16), str(year_asked())
        for key, value in default_targets("unit").items():
            form[f"{TARGET_PREFIX}{key}"].data = str(value)
    if form.validate_on_submit():
        made, error = attempt(lambda: services.unit_letters_create(
            scope=scope, actor_id=current_user.id, now=now_utc(),
            data=parse_targets(UnitCreateInput, form.data, "unit")))
        if error is None:
            flash(_("%(n)d letters made.", n=made) if made else _("Every unit has its letter already."), "success")
            return redirect(url_for(".letter_list", year=form.year.data, subject="unit"), 303)
        show_refusal(form, error)
    return render_template("letters/new.html", form=form, units=True), 422 if request.method == "POST" else 200


@bp.get("/<int:letter_id>")
def letter_detail(letter_id: int):
    scope = current_scope()
    letter = services.letter_get(scope=scope, letter_id=letter_id)
    return _detail(letter)


def _detail(letter, *, targets=None, sign=None, assess=None, status: int = 200):
    scope = current_scope()
    admin = _makes(scope)
    if admin and targets is None and letter.status in EDITABLE:
        targets = targets_form(letter.subject, request_key=secrets.token_hex(16),
                               **{f"{TARGET_PREFIX}{t.kind}": str(t.target) for t in letter.targets})
    if admin and sign is None and letter.status == LetterStatus.DRAFT:
        sign = SignForm(formdata=None, request_key=secrets.token_hex(16), signed_on=local_today().isoformat())
    if sign is not None and letter.unit_id is not None:  # a unit's letter: the unit's signer
        sign.signed_by_name.label.text = _("Signed for the unit by")
    opens = assessment_opens(letter.year)
    assess_waits = admin and letter.status in (LetterStatus.SIGNED, LetterStatus.REOPENED) and local_today() < opens
    if assess_waits:
        assess = None  # the form is shown from the day the assessment opens; the page says when
    elif admin and assess is None and letter.status in (LetterStatus.SIGNED, LetterStatus.REOPENED):
        assess = AssessForm(formdata=None, request_key=secrets.token_hex(16), outcome=letter.outcome or Outcome.NONE,
                            amount=str(letter.amount or ""), decision_note=letter.decision_note)
    return render_template("letters/detail.html", letter=letter, row=queries.letter_results(letter), scans=queries.letter_scans(letter),
                           targets_form=targets,
                           sign_form=sign, assess_form=assess, step_form=StepForm(),
                           can_reopen=admin and letter.status == LetterStatus.ASSESSED,
                           can_delete=admin and letter.status == LetterStatus.DRAFT and letter.signed_on is None,
                           can_acknowledge=not scope.township_wide and letter.status != LetterStatus.DRAFT
                           and letter.acknowledged_at is None,
                           opens=opens, assess_waits=assess_waits), status


@bp.post("/<int:letter_id>/targets")
def letter_targets(letter_id: int):
    scope = current_scope()
    letter = services.letter_get(scope=scope, letter_id=letter_id)
    if not _makes(scope):  # the permission before the input: a contact gets 403 whatever was sent
        abort(403)
    form = targets_form(letter.subject)
    if form.validate_on_submit():
        _saved, error = attempt(lambda: services.letter_targets_save(
            scope=scope, actor_id=current_user.id, letter=letter, now=now_utc(),
            data=parse_targets(TargetsInput, form.data, letter.subject)))
        if error is None:
            flash(_("The targets are saved."), "success")
            return redirect(url_for(".letter_detail", letter_id=letter.id), 303)
        show_refusal(form, error)
    return _detail(letter, targets=form, status=422)


@bp.post("/<int:letter_id>/sign")
def letter_sign(letter_id: int):
    scope = current_scope()
    letter = services.letter_get(scope=scope, letter_id=letter_id)
    if not _makes(scope):  # the permission before the input
        abort(403)
    form = SignForm()
    if form.validate_on_submit():
        scans = services.Photos(store=photo_store(), limits=photo_limits(), uploads=[
            (f.filename, f.read()) for f in request.files.getlist("photos") if f and f.filename])
        _done, error = attempt(lambda: services.letter_sign(
            scope=scope, actor_id=current_user.id, letter=letter, now=now_utc(), photos=scans,
            data=parse_input(SignInput, form.data)))
        if error is None:
            flash(_("The signing is recorded."), "success")
            return redirect(url_for(".letter_detail", letter_id=letter.id), 303)
        show_refusal(form, error)
    return _detail(letter, sign=form, status=422)


@bp.post("/<int:letter_id>/assess")
def letter_assess(letter_id: int):
    scope = current_scope()
    letter = services.letter_get(scope=scope, letter_id=letter_id)
    if not _makes(scope):  # the permission before the input
        abort(403)
    form = AssessForm()
    if form.validate_on_submit():
        _done, error = attempt(lambda: services.letter_assess(
            scope=scope, actor_id=current_user.id, letter=letter, today=local_today(), now=now_utc(),
            data=parse_input(AssessInput, form.data)))
        if error is None:
            flash(_("The assessment is recorded."), "success")
            return redirect(url_for(".letter_detail", letter_id=letter.id), 303)
        show_refusal(form, error)
    return _detail(letter, assess=form, status=422)


def _button_step(letter_id: int, step, *, done: str, office_only: bool = False, to=None, passes=()):
    """A one-button step on a letter (reopen, delete a draft, acknowledge): the letter in the scope,
    the permission before the form, an expired form said as such, the step through `form_step`."""
    scope = current_scope()
    letter = services.letter_get(scope=scope, letter_id=letter_id)
    if office_only and not _makes(scope):
        abort(403)
    back = url_for(".letter_detail", letter_id=letter.id)
    if not StepForm().validate_on_submit():
        flash(_("The form expired; please submit it again."), "error")
        return redirect(back, 303)
    after = to(letter) if to else None  # before the step: a deleted draft has no year to read after it
    return form_step(lambda: step(scope, letter), done=done, back=back, to=after, passes=passes)


@bp.post("/<int:letter_id>/reopen")
def letter_reopen(letter_id: int):
    return _button_step(letter_id, lambda scope, letter: services.letter_reopen(
        scope=scope, actor_id=current_user.id, letter=letter, now=now_utc()),
        done=_("The letter is reopened: correct it and assess it again."))


@bp.post("/<int:letter_id>/delete")
def letter_delete(letter_id: int):
    return _button_step(letter_id, lambda scope, letter: services.letter_draft_delete(
        scope=scope, actor_id=current_user.id, letter=letter, now=now_utc()),
        done=_("The draft letter is deleted."), office_only=True,
        to=lambda letter: url_for(".letter_list", year=letter.year, subject=letter.subject))


@bp.post("/<int:letter_id>/acknowledge")
def letter_acknowledge(letter_id: int):
    return _button_step(letter_id, lambda scope, letter: services.letter_acknowledge(
        scope=scope, user_id=current_user.id, letter=letter, now=now_utc()),
        done=_("You have acknowledged the letter."), passes=(services.LetterNotSigned,))


@bp.get("/assessment")
def assessment():
    scope = require_office()
    year, subject = year_asked(), subject_asked()
    kinds = [key for s in SUBJECTS if subject in (None, s) for key in kinds_of(s)]
    rows = queries.assessment_board(scope=scope, year=year, subject=subject)
    as_of, unmeasured = queries.measured_as_of(rows)
    return render_template("letters/assessment.html", year=year, subject=subject, kinds=kinds, rows=rows,
                           opens=assessment_opens(year), as_of=to_local(as_of) if as_of else None,
                           unmeasured=unmeasured, can_measure=scope.is_admin, step_form=StepForm())


@bp.post("/assessment/measure")
def assessment_measure():
    scope = current_scope()
    if not scope.is_admin:
        abort(403)
    year, subject = year_asked(), subject_asked()
    back = url_for(".assessment", year=year, subject=subject or None)
    if not StepForm().validate_on_submit():
        flash(_("The form expired; please submit it again."), "error")
        return redirect(back, 303)
    return form_step(lambda: services.measurements_refresh(
        scope=scope, year=year, township_id=optional_int(request.form.get("township") or ""), now=now_utc()),
        done=lambda n: _("%(n)d targets measured.", n=n), back=back)


def _makes(scope) -> bool:
    return scope.is_admin and scope.township_id is not None
