"""Every write of the office's side of a round: plan, edit, announce, close, reopen, cancel.
Services flush and never commit (views do, through core.web)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record, snapshot
from hygiene.core.status import Transition
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.pests.models import PestProduct
from hygiene.pests.rounds.models import PestRound, RoundRefusal, RoundTarget, RoundWork
from hygiene.pests.rounds.schemas import RoundInput, RoundInvalid, TargetInput
from hygiene.pests.rounds.status import ANNOUNCE, CANCEL, CLOSE, REOPEN, RoundStatus
from hygiene.places.models import Unit, Village

# a round's facts and targets change while it is planned, and while announced: a village finds
# households it missed, a unit joins late; a target that has work or refusals stays
EDITABLE = (RoundStatus.PLANNED, RoundStatus.ANNOUNCED)
MOVES: dict[str, Transition] = {"announce": ANNOUNCE, "close": CLOSE, "reopen": REOPEN, "cancel": CANCEL}
FACTS = ("name", "pests", "season", "starts_on", "ends_on", "method", "product_id", "dose", "unified_rules",
         "coverage_goal", "note")
# the facts the trail keeps as they are (the method as control_method: monitoring's "method" is a code)
TRAIL = ("name", "pests", "season", "starts_on", "ends_on", "product_id", "dose", "unified_rules", "note")


def _require_planner(scope: Scope) -> int:
    """The township's admins plan and move rounds; the township they plan for."""
    if not scope.is_admin or scope.township_id is None:
        raise Forbidden(_("Control rounds are planned by the township's hygiene office."))
    return scope.township_id


def round_create(*, scope: Scope, actor_id: int | None, data: RoundInput, targets: list[TargetInput],
                 now: datetime) -> PestRound:
    """Plan a round with its targets; the same form sent twice (or at once) makes one round."""
    township_id = _require_planner(scope)
    if data.request_key and (made := _round_of_key(data.request_key)) is not None:
        return made
    _check(scope, data, targets)
    pest_round = PestRound(township_id=township_id, created_by_id=actor_id, created_at=now,
                           request_key=data.request_key, **_facts(data))
    try:
        with db.session.begin_nested():
            db.session.add(pest_round)
            db.session.flush()
            for target in targets:
                db.session.add(_target(pest_round, target))
            db.session.flush()
    except IntegrityError:  # the same form at the same moment: the other request made it
        made = _round_of_key(data.request_key) if data.request_key else None
        if made is None:
            raise
        return made
    after = snapshot(pest_round, TRAIL)
    after["control_method"] = pest_round.method
    after["coverage_goal"] = _goal_text(pest_round)
    after["targets"] = len(targets)
    audit_record(actor_id=actor_id, action="create", record=pest_round, township_id=township_id, at=now,
                 after=after)
    return pest_round


def round_update(*, scope: Scope, actor_id: int | None, pest_round: PestRound, data: RoundInput,
                 targets: list[TargetInput], now: datetime) -> PestRound:
    """Change a planned or announced round's facts and targets (a target with work stays)."""
    _require_planner(scope)
    if pest_round.status not in EDITABLE:
        raise DomainError(_("A closed or cancelled round cannot be changed."))
    if pest_round.status == RoundStatus.ANNOUNCED and data.by_area != pest_round.by_area:
        raise RoundInvalid({"pests": _("Once announced, a round cannot change between snail control and the "
                                       "other pests.")})
    _check(scope, data, targets, kept={t.place_key for t in pest_round.targets})
    before = snapshot(pest_round, TRAIL)
    before["control_method"] = pest_round.method
    before["coverage_goal"] = _goal_text(pest_round)
    before["targets"] = len(pest_round.targets)
    changed = db.session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult
        sa.update(PestRound).where(PestRound.id == pest_round.id, PestRound.status.in_(sorted(EDITABLE)))
        .values(_facts(data)).execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise DomainError(_("A closed or cancelled round cannot be changed."))
    db.session.refresh(pest_round)
    _replace_targets(pest_round, targets)
    db.session.flush()
    db.session.refresh(pest_round)
    after = snapshot(pest_round, TRAIL)
    after["control_method"] = pest_round.method
    after["coverage_goal"] = _goal_text(pest_round)
    after["targets"] = len(pest_round.targets)
    if after != before:
        audit_record(actor_id=actor_id, action="update", record=pest_round, township_id=pest_round.township_id,
                     at=now, before={k: v for k, v in before.items() if after[k] != v},
                     after={k: v for k, v in after.items() if before[k] != v})
    return pest_round


def round_move(*, scope: Scope, actor_id: int | None, pest_round: PestRound, move: str,
               now: datetime) -> PestRound:
    """Announce, close, reopen or cancel, by one conditional UPDATE: of two clicks at once one
    moves the round; the other finds it moved and does nothing."""
    _require_planner(scope)
    step = MOVES[move]
    before = pest_round.status
    stamps: dict[str, object] = {"announced_at": now} if move == "announce" else {}
    stamps |= {"closed_at": now} if move == "close" else {"closed_at": None} if move == "reopen" else {}
    moved = db.session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult
        sa.update(PestRound).where(PestRound.id == pest_round.id, step.clause(PestRound.status))
        .values(status=step.target, **stamps).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(pest_round)
    if not moved:
        if pest_round.status == step.target:
            return pest_round  # the same click, twice
        raise DomainError(_("This round is %(status)s; it cannot be %(move)s.",
                            status=RoundStatus.label_of(pest_round.status), move=MOVE_WORDS[move]()))
    # each action spelled out, so the trail's words are checked for each (tests/audit/test_labels.py)
    audit_record(actor_id=actor_id, record=pest_round,
                 action={"announce": "announce", "close": "close", "reopen": "reopen", "cancel": "cancel"}[move],
                 township_id=pest_round.township_id, at=now,
                 before={"status": before}, after={"status": pest_round.status})
    return pest_round


MOVE_WORDS = {"announce": lambda: _("announced"), "close": lambda: _("closed"),
              "reopen": lambda: _("reopened"), "cancel": lambda: _("cancelled")}


def _facts(data: RoundInput) -> dict[str, object]:
    return {name: getattr(data, name) for name in FACTS}


def _target(pest_round: PestRound, target: TargetInput) -> RoundTarget:
    return RoundTarget(round_id=pest_round.id, township_id=pest_round.township_id, village_id=target.village_id,
                       unit_id=target.unit_id, place_key=target.place_key,
                       households_target=target.households_target, area_target=target.area_target,
                       area_unit=target.area_unit)


def _replace_targets(pest_round: PestRound, targets: list[TargetInput]) -> None:
    """Add the new targets, change the kept ones' numbers, remove the dropped ones unless worked."""
    wanted = {t.place_key: t for t in targets}
    current = {t.place_key: t for t in pest_round.targets}
    dropped = [t for key, t in current.items() if key not in wanted]
    worked = _worked({t.id for t in dropped})
    if worked:
        names = "、".join(str(t) for t in dropped if t.id in worked)
        raise RoundInvalid({"targets": _("%(names)s already recorded work or refusals and stay in the round.",
                                         names=names)})
    for target in dropped:
        db.session.delete(target)
    for key, wish in wanted.items():
        kept = current.get(key)
        if kept is None:
            db.session.add(_target(pest_round, wish))
        else:
            kept.households_target, kept.area_target, kept.area_unit = (wish.households_target, wish.area_target,
                                                                        wish.area_unit)


def _worked(target_ids: set[int]) -> set[int]:
    if not target_ids:
        return set()
    work = sa.select(RoundWork.target_id).where(RoundWork.target_id.in_(target_ids))
    refused = sa.select(RoundRefusal.target_id).where(RoundRefusal.target_id.in_(target_ids))
    return set(db.session.scalars(sa.union(work, refused)))


def _check(scope: Scope, data: RoundInput, targets: list[TargetInput], kept: frozenset[str] | set[str] = frozenset()) -> None:
    """The product and the targets against the ledger and the register: RoundInvalid naming each
    fault (`kept`: the round's targets already, which stay even if the register retired them)."""
    errors: dict[str, str] = {}
    _check_product(scope, data, errors)
    _check_places(scope, [t for t in targets if t.place_key not in kept], errors)
    if errors:
        raise RoundInvalid(errors)


def _check_product(scope: Scope, data: RoundInput, errors: dict[str, str]) -> None:
    if data.product_id is None:
        return
    product = db.session.scalar(sa.select(PestProduct).where(
        PestProduct.id == data.product_id, PestProduct.township_id == scope.township_id))
    if product is None:
        errors["product_id"] = _("Choose a product from the township's supplies ledger.")
    elif not product.active:
        errors["product_id"] = _("%(name)s is no longer in use in the supplies ledger.", name=product.name)
    elif product.expiry is not None and product.expiry < data.ends_on:
        errors["product_id"] = _("%(name)s expires on %(day)s, before the round ends.", name=product.name,
                                 day=product.expiry.isoformat())


def _check_places(scope: Scope, targets: list[TargetInput], errors: dict[str, str]) -> None:
    """Every target an active village or unit of the township, a unit in the village it names."""
    village_ids = {t.village_id for t in targets}
    unit_ids = {t.unit_id for t in targets if t.unit_id}
    villages = set(db.session.scalars(sa.select(Village.id).where(
        Village.id.in_(village_ids), Village.township_id == scope.township_id, Village.active)))
    units = dict(db.session.execute(sa.select(Unit.id, Unit.village_id).where(
        Unit.id.in_(unit_ids), Unit.village_id.in_(villages), Unit.active)).all()) if unit_ids else {}
    if any(t.village_id not in villages or (t.unit_id and units.get(t.unit_id) != t.village_id) for t in targets):
        errors["targets"] = _("Choose villages and units from the register.")


def _goal_text(pest_round: PestRound) -> str:
    """The goal as the trail keeps it: text, since the trail is JSON."""
    return f"{Decimal(pest_round.coverage_goal).normalize():f}"


def _round_of_key(key: str) -> PestRound | None:
    return db.session.scalar(sa.select(PestRound).where(PestRound.request_key == key))
