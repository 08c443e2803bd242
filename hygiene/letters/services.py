"""What the office does with letters: make the year's letters for every village (or every unit, of
a category), set a letter's
targets, record the signing (with the scan), assess it at the year's end with its decision, and
reopen it. Services flush, never commit.

Making the letters is safe to repeat (a village or unit has one letter a year: the unique subject
key decides between two identical requests); signing and assessing are once-only steps claimed by a
conditional UPDATE with the form's key (core/once.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record, trail_fields
from hygiene.clock import local_today
from hygiene.core.once import claim_once, is_repeat
from hygiene.errors import DomainError, Forbidden, InvalidFields, NotFound
from hygiene.extensions import db
from hygiene.letters.kinds import TARGET_KINDS, actual_of, assessment_opens, kinds_of, measured
from hygiene.letters.measure import refresh_letter, refresh_measurements
from hygiene.letters.models import LetterTarget, TargetLetter
from hygiene.letters.notices import tell_assessed, tell_made, tell_reopened
from hygiene.letters.rules import letter_score, target_met
from hygiene.letters.schemas import AssessInput, CreateInput, SignInput, TargetsInput, UnitCreateInput
from hygiene.letters.status import ASSESS, EDITABLE, REOPEN, SIGN, LetterStatus
from hygiene.media.intake import PhotoLimits
from hygiene.media.services import photos_attach
from hygiene.media.store import PhotoStore
from hygiene.places.models import Unit, Village


@dataclass(frozen=True)
class Photos:
    """The scans posted with the signing, and where they go."""

    store: PhotoStore
    limits: PhotoLimits
    uploads: list[tuple[str, bytes]] = field(default_factory=list)


def letter_get(*, scope: Scope, letter_id: int) -> TargetLetter:
    """A letter the scope reads, or NotFound."""
    letter = db.session.scalar(sa.select(TargetLetter).where(TargetLetter.id == letter_id,
                                                             scope.clause(TargetLetter)))
    if letter is None:
        raise NotFound("letter not found")
    return letter


def letters_create(*, scope: Scope, actor_id: int | None, data: CreateInput, now: datetime) -> int:
    """Give every active village of the township that has none its letter of the year, with these
    targets; the number made (0 when all had one: sending the form again changes nothing)."""
    township_id = _township_admin(scope)
    _refuse_far_year(data.year, now)
    have = sa.select(TargetLetter.village_id).where(TargetLetter.year == data.year, TargetLetter.unit_id.is_(None))
    villages = db.session.execute(sa.select(Village.id, Village.name).where(
        Village.township_id == township_id, Village.active.is_(True), Village.id.not_in(have)).order_by(Village.id))
    subjects = [(village_id, None, name) for village_id, name in villages]
    return _make(township_id, actor_id, data.year, data.targets, subjects, now)


def unit_letters_create(*, scope: Scope, actor_id: int | None, data: UnitCreateInput, now: datetime) -> int:
    """Give every active unit of the township (of the category, when one is given) that has none its
    letter of the year, with these unit targets; the number made (0 when all had one)."""
    township_id = _township_admin(scope)
    _refuse_far_year(data.year, now)
    have = sa.select(TargetLetter.unit_id).where(TargetLetter.year == data.year, TargetLetter.unit_id.is_not(None))
    stmt = (sa.select(Unit.village_id, Unit.id, Unit.name).join(Village, Village.id == Unit.village_id)
            .where(Village.township_id == township_id, Unit.active.is_(True), Unit.id.not_in(have))
            .order_by(Unit.id))
    if data.category:
        stmt = stmt.where(Unit.category == data.category)
    return _make(township_id, actor_id, data.year, data.targets, list(db.session.execute(stmt)), now)


def _refuse_far_year(year: int, now: datetime) -> None:
    """Letters are made for last year (signed late), this year or next year, no other."""
    this_year = local_today(now).year
    if not this_year - 1 <= year <= this_year + 1:
        raise InvalidFields({"year": _("Letters are made for last year, this year or next year "
                                       "(%(first)d to %(last)d).", first=this_year - 1, last=this_year + 1)})


def _make(township_id: int, actor_id: int | None, year: int, targets: dict[str, Decimal],
          subjects: list, now: datetime) -> int:
    """One letter per (village, unit or None, name) with these targets, audited; their contacts told."""
    made = []
    for village_id, unit_id, name in subjects:
        letter = TargetLetter(township_id=township_id, village_id=village_id, unit_id=unit_id, year=year,
                              subject_key=TargetLetter.key_of(village_id, unit_id),
                              status=LetterStatus.DRAFT, created_by_id=actor_id, created_at=now)
        try:  # the same form at the same moment: the other request made this subject's letter
            with db.session.begin_nested():
                db.session.add(letter)
                db.session.flush()
        except IntegrityError:
            continue
        db.session.add_all(LetterTarget(letter_id=letter.id, township_id=township_id, village_id=village_id,
                                        unit_id=unit_id, kind=key, target=value) for key, value in targets.items())
        after = {"unit_name": name, "year": year} if unit_id else {"village": name, "year": year}
        after |= trail_fields(TARGET_KINDS, {key: str(value) for key, value in targets.items()})
        audit_record(actor_id=actor_id, action="create", record=letter, township_id=township_id, at=now,
                     after=after)
        made.append(letter)
    if made:
        db.session.flush()
        refresh_measurements(township_id=township_id, year=year, now=now, letter_ids=[m.id for m in made])
        tell_made(made, now=now)
    return len(made)


def letter_targets_save(*, scope: Scope, actor_id: int | None, letter: TargetLetter, data: TargetsInput,
                        now: datetime) -> bool:
    """Set the letter's targets (a draft's, or a reopened one's); False when nothing changed."""
    _township_admin(scope)
    if letter.status not in EDITABLE:
        raise DomainError(_("The targets of a letter that is “%(status)s” cannot be changed.",
                            status=LetterStatus.label_of(letter.status)))
    if set(data.targets) != set(kinds_of(letter.subject)):
        raise DomainError(_("These targets are not the ones of this letter; reload the page."))
    current = {t.kind: t for t in letter.targets}
    before, after = {}, {}
    for key, value in data.targets.items():
        target = current.get(key)
        if target is None:
            db.session.add(LetterTarget(letter_id=letter.id, township_id=letter.township_id,
                                        village_id=letter.village_id, unit_id=letter.unit_id, kind=key, target=value))
        elif target.target == value:
            continue
        else:
            before[key] = str(target.target)
            target.target = value
        after[key] = str(value)
    if not after:
        return False
    db.session.flush()
    refresh_letter(letter, now=now)
    audit_record(actor_id=actor_id, action="update", record=letter, township_id=letter.township_id, at=now,
                 before=trail_fields(TARGET_KINDS, before), after=trail_fields(TARGET_KINDS, after))
    return True


def letter_sign(*, scope: Scope, actor_id: int | None, letter: TargetLetter, data: SignInput,
                photos: Photos | None, now: datetime) -> bool:
    """Record the signing and keep the scan of the signed letter; False for a repeat of the form."""
    _township_admin(scope)
    if is_repeat(letter, "sign_key", data.request_key):
        return False
    if data.signed_on.year not in (letter.year - 1, letter.year):
        raise InvalidFields({"signed_on": _("A letter for %(year)d is signed late the year before or in the year.",
                                            year=letter.year)})
    if not claim_once(letter, key_column="sign_key", key=data.request_key, allowed=SIGN.clause(TargetLetter.status),
                      values={"status": SIGN.target, "signed_on": data.signed_on,
                              "signed_by_name": data.signed_by_name},
                      refused=_("This letter is “%(status)s”: it cannot be signed again.",
                                status=LetterStatus.label_of(letter.status))):
        return False
    if photos is not None and photos.uploads:
        photos_attach(photos.uploads, store=photos.store, limits=photos.limits, uploaded_by_id=actor_id, now=now,
                      letter_id=letter.id, purpose="letter_scan", township_id=letter.township_id,
                      target_kind=letter.subject, target_id=letter.unit_id or letter.village_id)
    refresh_letter(letter, now=now)
    audit_record(actor_id=actor_id, action="update", record=letter, township_id=letter.township_id, at=now,
                 before={"status": LetterStatus.DRAFT},
                 after={"status": letter.status, "signed_on": data.signed_on.isoformat(),
                        "signed_by_name": data.signed_by_name})
    return True


def letter_assess(*, scope: Scope, actor_id: int | None, letter: TargetLetter, data: AssessInput,
                  today: date, now: datetime) -> bool:
    """Measure the letter's targets, freeze the actuals and the score, and record the office's
    decision (commended or criticised, the amount); once a year: False for a repeat of the form."""
    _township_admin(scope)
    if is_repeat(letter, "assess_key", data.request_key):
        return False
    opens = assessment_opens(letter.year)
    if today < opens:
        raise DomainError(_("The year-end assessment of %(year)d opens on %(day)s.", year=letter.year,
                            day=opens.isoformat()))
    actuals = measured(township_id=letter.township_id, year=letter.year, subjects=(letter.subject,))
    results = {t.kind: _result(t, actuals) for t in letter.targets}
    score = letter_score(met for _actual, met in results.values())
    before = letter.status
    if not claim_once(letter, key_column="assess_key", key=data.request_key,
                      allowed=ASSESS.clause(TargetLetter.status),
                      values={"status": ASSESS.target, "score": score, "outcome": data.outcome, "amount": data.amount,
                              "decision_note": data.decision_note, "assessed_on": today},
                      refused=_("This letter is “%(status)s”: it cannot be assessed now.",
                                status=LetterStatus.label_of(letter.status))):
        return False
    for target in letter.targets:
        target.actual, target.met = results[target.kind]
    db.session.flush()
    tell_assessed(letter, now=now)
    audit_record(actor_id=actor_id, action="update", record=letter, township_id=letter.township_id, at=now,
                 before={"status": before},
                 after={"status": letter.status, "score": str(score) if score is not None else "",
                        "outcome": data.outcome, "amount": str(data.amount or ""), "decision_note": data.decision_note})
    return True


def _result(target: LetterTarget, actuals: dict[str, dict[int, Decimal]]) -> tuple[Decimal | None, bool | None]:
    actual = actual_of(actuals, target.kind, village_id=target.village_id, unit_id=target.unit_id)
    kind = TARGET_KINDS.get(target.kind)
    return actual, target_met(actual, target.target, higher_is_better=kind.higher_is_better if kind else True)


def letter_reopen(*, scope: Scope, actor_id: int | None, letter: TargetLetter, now: datetime) -> bool:
    """Reopen an assessed letter, to correct it and assess it again; False when it is reopened already."""
    _township_admin(scope)
    if letter.status == REOPEN.target:
        return False
    moved = db.session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult
        sa.update(TargetLetter).where(TargetLetter.id == letter.id, REOPEN.clause(TargetLetter.status))
        .values(status=REOPEN.target, assess_key=None, acknowledged_at=None, acknowledged_by_id=None)
        .execution_options(synchronize_session=False)).rowcount
    acknowledged = letter.acknowledged_at
    db.session.refresh(letter)
    if not moved:
        if letter.status == REOPEN.target:
            return False
        raise DomainError(_("Only an assessed letter can be reopened."))
    refresh_letter(letter, now=now)
    before = {"status": str(LetterStatus.ASSESSED)}
    after = {"status": str(letter.status)}
    if acknowledged is not None:  # its targets may change: the contact acknowledges the letter again
        before["acknowledged_at"] = acknowledged.isoformat()
        after["acknowledged_at"] = ""
        tell_reopened(letter, now=now)
    audit_record(actor_id=actor_id, action="update", record=letter, township_id=letter.township_id, at=now,
                 before=before, after=after)
    return True


def measurements_refresh(*, scope: Scope, year: int, township_id: int | None, now: datetime) -> int:
    """An admin's "Measure now" on the board: measure the open letters of the year of their township
    (a county admin: of the township given, or every one); the targets written. Repeat-safe."""
    if not scope.is_admin:
        raise Forbidden(_("Only the hygiene office's administrators measure the letters."))
    if scope.township_id is not None:
        if township_id not in (None, scope.township_id):
            raise NotFound("township not found")
        township_id = scope.township_id
    return refresh_measurements(township_id=township_id, year=year, now=now)


def letter_acknowledge(*, scope: Scope, user_id: int, letter: TargetLetter, now: datetime) -> bool:
    """The village's or unit's contact acknowledges their letter (read and agreed), once: False when
    it was acknowledged already (a double tap). The office records the signing itself."""
    if scope.township_wide or scope.role not in (Role.VILLAGE_CONTACT, Role.UNIT_CONTACT):
        raise Forbidden(_("Only the letter's village or unit contact acknowledges it."))
    if letter.status == LetterStatus.DRAFT:
        raise LetterNotSigned(_("This letter is still a draft: its targets may change. Acknowledge it once "
                                "the office has recorded the signing."))
    moved = db.session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult
        sa.update(TargetLetter).where(TargetLetter.id == letter.id, TargetLetter.acknowledged_at.is_(None),
                                      TargetLetter.status != LetterStatus.DRAFT, scope.clause(TargetLetter))
        .values(acknowledged_at=now, acknowledged_by_id=user_id).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(letter)
    if not moved:
        if letter.status == LetterStatus.DRAFT:  # not signed after all (changed meanwhile)
            raise LetterNotSigned(_("This letter is still a draft: its targets may change. Acknowledge it once "
                                    "the office has recorded the signing."))
        return False
    audit_record(actor_id=user_id, action="update", record=letter, township_id=letter.township_id, at=now,
                 after={"acknowledged_at": now.isoformat()})
    return True


def letter_draft_delete(*, scope: Scope, actor_id: int | None, letter: TargetLetter, now: datetime) -> None:
    """Delete a draft letter that was never signed (made by mistake, or for the wrong year); audited.
    A letter signed (or signed meanwhile) stays: the signing is the two sides' record."""
    _township_admin(scope)
    refused = _("This letter is “%(status)s”: only a draft that was never signed can be deleted.",
                status=LetterStatus.label_of(letter.status))
    if letter.status != LetterStatus.DRAFT or letter.signed_on is not None:
        raise DomainError(refused)
    # the row claimed first (a write): a signing at the same moment waits, then finds no letter
    claimed = db.session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult
        sa.update(TargetLetter).where(TargetLetter.id == letter.id, TargetLetter.status == LetterStatus.DRAFT,
                                      TargetLetter.signed_on.is_(None))
        .values(status=LetterStatus.DRAFT).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        db.session.refresh(letter)
        raise DomainError(_("This letter is “%(status)s”: only a draft that was never signed can be deleted.",
                            status=LetterStatus.label_of(letter.status)))
    before = {"unit_name": letter.subject_name, "year": letter.year} if letter.unit_id else {
        "village": letter.subject_name, "year": letter.year}
    before |= trail_fields(TARGET_KINDS, {t.kind: str(t.target) for t in letter.targets})
    audit_record(actor_id=actor_id, action="delete", record=letter, township_id=letter.township_id, at=now,
                 before=before)
    db.session.execute(sa.delete(LetterTarget).where(LetterTarget.letter_id == letter.id))
    db.session.execute(sa.delete(TargetLetter).where(TargetLetter.id == letter.id))
    db.session.expunge(letter)


class LetterNotSigned(DomainError):
    """A contact acknowledges a letter the office has not signed yet (its targets may still change)."""

    status = 409


def _township_admin(scope: Scope) -> int:
    """The township of an office admin; anyone else may read letters but not change them."""
    if not scope.is_admin or scope.township_id is None:
        raise Forbidden(_("Only the township's hygiene office makes and assesses the target letters."))
    return scope.township_id
