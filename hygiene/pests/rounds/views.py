"""Control round pages of the office: the list, planning and editing, one round with its
coverage board, the township's board, and the status buttons. (A target's page and its work
forms are in rounds/work*.)"""
from __future__ import annotations

import secrets

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.audit.queries import events_for
from hygiene.clock import local_today, now_utc
from hygiene.core.web import (
    attempt,
    current_scope,
    form_step,
    paginated,
    require_office,
    say_left_out,
    show_refusal,
)
from hygiene.errors import DomainError, InvalidFields
from hygiene.pests.rounds import queries, services
from hygiene.pests.rounds.forms import RoundForm, chosen_rows, target_table
from hygiene.pests.rounds.models import ROUND_PESTS, SEASONS, PestRound
from hygiene.pests.rounds.schemas import round_input
from hygiene.pests.rounds.status import SEEN_BY_TARGETS, RoundStatus
from hygiene.pests.rounds.timing import ENDED, RUNNING, UPCOMING, phase_on, season_of
from hygiene.pests.rounds.words import (
    AREA_UNIT_LABELS,
    PART_LABELS,
    ROUND_PEST_LABELS,
    RULE_LABELS,
    SEASON_LABELS,
    amount,
    pests_text,
    rules_text,
)

bp = Blueprint("rounds", __name__, url_prefix="/pests/rounds")


@bp.before_request
@login_required
def _signed_in() -> None:
    """The office reads every round of its township; a contact the rounds that reach it."""


@bp.context_processor
def _words() -> dict:
    return {"PEST_LABELS": ROUND_PEST_LABELS, "SEASON_LABELS": SEASON_LABELS, "RULE_LABELS": RULE_LABELS,
            "AREA_UNIT_LABELS": AREA_UNIT_LABELS, "pests_text": pests_text, "RoundStatus": RoundStatus,
            "target_url": target_url, "rules_text": rules_text, "amount": amount,
            "PART_LABELS": PART_LABELS}


def target_url(round_id: int, target_id: int) -> str:
    """The agreed address of a target's page (rounds/work*, the field side)."""
    return f"{url_for('rounds.round_detail', round_id=round_id)}/targets/{target_id}"


@bp.get("/")
def round_list():
    scope = current_scope()
    filters, unread = queries.read_filters(request.args)
    say_left_out(unread)
    page = paginated(queries.round_list_stmt(scope=scope, filters=filters), per_page=20)
    return render_template("pests/rounds/list.html", page=page, filters=filters, seasons=SEASONS,
                           pests=ROUND_PESTS, can_plan=_can_plan(),
                           statuses=list(RoundStatus) if scope.township_wide else list(SEEN_BY_TARGETS))


@bp.get("/board")
def township_board():
    scope = require_office()
    return render_template("pests/rounds/board.html", board=queries.township_board(scope=scope, today=local_today()))


@bp.route("/new", methods=["GET", "POST"])
def round_new():
    scope = _planner()
    return _round_form(scope, None)


@bp.route("/<int:round_id>/edit", methods=["GET", "POST"])
def round_edit(round_id: int):
    scope = _planner()
    pest_round = queries.round_get(scope=scope, round_id=round_id)
    if pest_round.status not in services.EDITABLE:
        abort(404)
    return _round_form(scope, pest_round)


def _round_form(scope, pest_round: PestRound | None):
    form = RoundForm(obj=pest_round if request.method == "GET" else None)
    form.prepare(queries.product_choices(scope=scope, today=local_today(),
                                       keep=pest_round.product_id if pest_round else None))
    if request.method == "GET":
        form.product_id.data = str(pest_round.product_id or "") if pest_round else ""
        form.request_key.data = secrets.token_hex(16)
        if pest_round is None:
            form.season.data = form.season_shown.data = season_of(local_today())
    elif form.season_shown.data and form.season.data == form.season_shown.data and form.starts_on.data:
        form.season.data = season_of(form.starts_on.data)  # left at its default: the start month's
    villages, units, counts = queries.place_choices(scope)
    posted = request.form if request.method == "POST" else None
    table = target_table(villages, units, counts, formdata=posted, targets=pest_round.targets if pest_round else ())
    target_errors: dict[str, str] = {}
    if form.validate_on_submit():
        made, error = attempt(lambda: _save(scope, pest_round, form, table))
        if error is None:
            return redirect(url_for(".round_detail", round_id=made.id), 303)
        target_errors = _row_errors(error)
        show_refusal(form, _without(error, target_errors))
    status = 422 if request.method == "POST" and (form.errors or form.form_errors or target_errors) else 200
    return render_template("pests/rounds/form.html", form=form, pest_round=pest_round, table=table,
                           target_errors=target_errors), status


def _save(scope, pest_round: PestRound | None, form: RoundForm, table) -> PestRound:
    data, targets = round_input(form.data, chosen_rows(table))
    if pest_round is None:
        return services.round_create(scope=scope, actor_id=current_user.id, data=data, targets=targets, now=now_utc())
    return services.round_update(scope=scope, actor_id=current_user.id, pest_round=pest_round, data=data,
                                 targets=targets, now=now_utc())


def _row_errors(error: DomainError) -> dict[str, str]:
    """The faults of target rows (v12_households, u7...), shown beside their rows."""
    errors = error.errors if isinstance(error, InvalidFields) else {}
    return {name: message for name, message in errors.items() if name[:1] in "uv" and name[1:2].isdigit()}


def _without(error: DomainError, shown: dict[str, str]) -> DomainError:
    if not shown or not isinstance(error, InvalidFields):
        return error
    rest = {name: message for name, message in error.errors.items() if name not in shown}
    return InvalidFields(rest or {"targets": _("Correct the marked villages and units.")})


@bp.get("/<int:round_id>")
def round_detail(round_id: int):
    scope = current_scope()
    pest_round = queries.round_get(scope=scope, round_id=round_id)
    return render_template("pests/rounds/detail.html", pest_round=pest_round,
                           board=queries.round_board(scope=scope, pest_round=pest_round, today=local_today()),
                           phase=PHASE_WORDS[phase_on(pest_round.starts_on, pest_round.ends_on, local_today())](),
                           can_plan=_can_plan(), editable=pest_round.status in services.EDITABLE,
                           moves=[(move, MOVE_BUTTONS[move]()) for move, step in services.MOVES.items()
                                  if step.allows(pest_round.status)],
                           events=events_for(pest_round) if scope.sees_audit_trail else [])


def _move_view(move: str):
    def view(round_id: int):
        scope = current_scope()
        pest_round = queries.round_get(scope=scope, round_id=round_id)
        back = url_for(".round_detail", round_id=pest_round.id)
        if move in CONFIRMED and request.form.get("confirmed") != "1" and _can_plan() \
                and services.MOVES[move].allows(pest_round.status):
            return render_template("pests/rounds/confirm_move.html", pest_round=pest_round, move=move,
                                   question=CONFIRMED[move](), button=MOVE_BUTTONS[move](), back=back)
        return form_step(lambda: services.round_move(scope=scope, actor_id=current_user.id, pest_round=pest_round,
                                                     move=move, now=now_utc()),
                         done=MOVE_DONE[move](), back=back)
    view.__name__ = f"round_{move}"
    return view


PHASE_WORDS = {UPCOMING: lambda: _("not started yet"), RUNNING: lambda: _("under way"), ENDED: lambda: _("ended")}
MOVE_BUTTONS = {"announce": lambda: _("Announce"), "close": lambda: _("Close"), "reopen": lambda: _("Reopen"),
                "cancel": lambda: _("Cancel the round")}
MOVE_DONE = {"announce": lambda: _("The round is announced: its villages and units see it now."),
             "close": lambda: _("The round is closed."),
             "reopen": lambda: _("The round is open again for work."),
             "cancel": lambda: _("The round is cancelled.")}
# moves with no way back ask first: the button posts, the page asks, the second post moves
CONFIRMED = {"cancel": lambda: _("Cancel this round? This cannot be undone: its villages and units stop "
                                 "seeing it, and no more work can be recorded on it.")}
for _move in services.MOVES:
    bp.add_url_rule(f"/<int:round_id>/{_move}", endpoint=f"round_{_move}", view_func=_move_view(_move),
                    methods=["POST"])


def _planner():
    scope = current_scope()
    if not scope.is_admin or scope.township_id is None:
        abort(403)
    return scope


def _can_plan() -> bool:
    scope = current_scope()
    return scope.is_admin and scope.township_id is not None
