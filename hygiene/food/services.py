"""Every write of the food registers: register a banquet, record its on-site check, mark it held
or cancelled; add, renew and retire health certificates; the township's settings.
Services flush and never commit (views do, through core.web)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record, snapshot
from hygiene.clock import local_today
from hygiene.core.status import Transition
from hygiene.errors import DomainError, Forbidden
from hygiene.extensions import db
from hygiene.food.models import Banquet, FoodSettings, HealthCertificate
from hygiene.food.rules import default_expiry, food_categories
from hygiene.food.schemas import BanquetInput, CertificateInput, CheckInput, FoodInvalid, FoodSettingsInput
from hygiene.food.status import CANCEL, CHECK, HOLD, BanquetStatus
from hygiene.places.models import Unit, Village

BANQUET_FACTS = ("kind", "host_name", "host_phone", "banquet_on", "meal", "place", "tables", "diners",
                 "cook_name", "cook_phone", "cook_cert_number", "cook_cert_expires_on", "note")
# what the trail keeps of a registration (the facts and the status: spelled out, the trail's test reads them)
BANQUET_TRAIL = ("kind", "host_name", "host_phone", "banquet_on", "meal", "place", "tables", "diners", "cook_name",
                 "cook_phone", "cook_cert_number", "cook_cert_expires_on", "note", "status")
CERTIFICATE_FACTS = ("worker_name", "number", "issued_on", "expires_on")
SETTINGS_FIELDS = ("days_ahead", "check_min_diners", "remind_days")
MOVES: dict[str, Transition] = {"hold": HOLD, "cancel": CANCEL}


def registers_banquets(scope: Scope) -> bool:
    """The township's office and the village contacts register banquets."""
    return (scope.township_wide and scope.township_id is not None) or scope.role is Role.VILLAGE_CONTACT


def checks_banquets(scope: Scope, banquet: Banquet | None = None) -> bool:
    """The township's office (admins and inspectors) checks banquets on site."""
    return scope.township_wide and scope.township_id is not None and (
        banquet is None or banquet.township_id == scope.township_id)


def keeps_certificates(scope: Scope) -> bool:
    """The township's admins and the unit contacts keep health certificates."""
    return (scope.is_admin and scope.township_id is not None) or scope.role is Role.UNIT_CONTACT


# --- banquets ----------------------------------------------------------------------------------

def banquet_register(*, scope: Scope, actor_id: int | None, data: BanquetInput, now: datetime) -> Banquet:
    """Register a banquet before its day; the same form sent twice (or at once) registers one."""
    if not registers_banquets(scope):
        raise Forbidden(_("Banquets are registered by their village and the hygiene office."))
    if data.request_key and (made := _banquet_of_key(data.request_key)) is not None:
        return made
    village = db.session.scalar(sa.select(Village).where(Village.id == data.village_id, scope.clause(Village),
                                                         Village.active))
    errors: dict[str, str] = {}
    if village is None:
        errors["village_id"] = _("Choose a village from the register.")
    today = local_today(now)
    if data.banquet_on <= today:
        errors["banquet_on"] = _("A banquet is registered before its day: choose a date after today.")
    if data.diners < data.tables:
        errors["diners"] = _("Fewer diners than tables: check both numbers.")
    if errors:
        raise FoodInvalid(errors)
    assert village is not None
    if (made := _refuse_same_banquet(village.id, data.host_name, data.banquet_on, key=data.request_key)):
        return made
    banquet = Banquet(township_id=village.township_id, village_id=village.id, registered_on=today,
                      created_by_id=actor_id, created_at=now, request_key=data.request_key, **_facts(data))
    try:
        with db.session.begin_nested():
            db.session.add(banquet)
            db.session.flush()
    except IntegrityError:  # the same form (or the same banquet from another form) at the same moment
        made = _banquet_of_key(data.request_key) if data.request_key else None
        if made is not None:
            return made
        if (made := _refuse_same_banquet(village.id, data.host_name, data.banquet_on, key=data.request_key)):
            return made
        raise

    after = snapshot(banquet, BANQUET_TRAIL)
    after["village"] = village.name
    audit_record(actor_id=actor_id, action="create", record=banquet, township_id=banquet.township_id, at=now,
                 after=after)
    return banquet


def banquet_edit_refusal(banquet: Banquet, today: date) -> str | None:
    """Why a banquet's registration can no longer be changed, or None while it can: registered,
    no on-site check yet, and its day not past."""
    if banquet.status == BanquetStatus.CHECKED:
        return _("The banquet was checked on site on %(day)s; its registration stays as it was checked.",
                 day=banquet.checked_on.isoformat() if banquet.checked_on else "")
    if banquet.status != BanquetStatus.REGISTERED:
        return _("This banquet is %(status)s; its registration cannot be changed.",
                 status=BanquetStatus.label_of(banquet.status))
    if banquet.banquet_on < today:
        return _("The banquet's day (%(day)s) has passed; its registration cannot be changed.",
                 day=banquet.banquet_on.isoformat())
    return None


def banquet_update(*, scope: Scope, actor_id: int | None, banquet: Banquet, data: BanquetInput,
                   now: datetime) -> bool:
    """Correct a registration (host, date, place, tables, cook, certificate...) before the banquet
    and its on-site check; audited when something changed. The village stays the banquet's.
    Returns whether anything changed (the same form again changes nothing)."""
    if not registers_banquets(scope):
        raise Forbidden(_("Banquets are registered by their village and the hygiene office."))
    today = local_today(now)
    if (refused := banquet_edit_refusal(banquet, today)) is not None:
        raise DomainError(refused)
    errors: dict[str, str] = {}
    if data.banquet_on != banquet.banquet_on and data.banquet_on <= today:
        errors["banquet_on"] = _("A banquet is registered before its day: choose a date after today.")
    if data.diners < data.tables:
        errors["diners"] = _("Fewer diners than tables: check both numbers.")
    if errors:
        raise FoodInvalid(errors)
    before = snapshot(banquet, BANQUET_FACTS)
    changed = {name: value for name, value in _facts(data).items() if getattr(banquet, name) != value}
    if not changed:
        return False
    _refuse_same_banquet(banquet.village_id, data.host_name, data.banquet_on, keep=banquet.id)
    # one conditional UPDATE: an on-site check recorded meanwhile keeps the registration it checked
    try:
        with db.session.begin_nested():
            updated = db.session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult
                sa.update(Banquet).where(Banquet.id == banquet.id, Banquet.status == BanquetStatus.REGISTERED)
                .values(**changed).execution_options(synchronize_session=False)).rowcount
    except IntegrityError:  # the same host and day registered by another form a moment ago
        _refuse_same_banquet(banquet.village_id, data.host_name, data.banquet_on, keep=banquet.id)
        raise
    db.session.refresh(banquet)
    if not updated:
        raise DomainError(banquet_edit_refusal(banquet, today) or _("This banquet changed meanwhile; look again."))
    after = snapshot(banquet, BANQUET_FACTS)
    audit_record(actor_id=actor_id, action="update", record=banquet, township_id=banquet.township_id, at=now,
                 before={k: v for k, v in before.items() if after[k] != v},
                 after={k: v for k, v in after.items() if before[k] != v})
    return True


def banquet_check(*, scope: Scope, actor_id: int | None, banquet: Banquet, data: CheckInput,
                  now: datetime) -> Banquet:
    """Record the office's on-site check, by one conditional UPDATE: of two at once one counts."""
    if not checks_banquets(scope, banquet):
        raise Forbidden(_("The hygiene office checks banquets on site."))
    if banquet.status == BanquetStatus.CHECKED:
        return _same_check_or_refuse(banquet, data)  # the same check sent twice passes quietly
    if not CHECK.allows(banquet.status):
        raise DomainError(_("This banquet is %(status)s; it cannot be checked.",
                            status=BanquetStatus.label_of(banquet.status)))
    if (wrong := _check_day_refusal(data.checked_on, banquet, local_today(now))) is not None:
        raise FoodInvalid({"checked_on": wrong})
    values: dict[str, Any] = {"checked_on": data.checked_on, "checked_by_id": actor_id,
                              "check_passed": data.result == "pass", "check_points": data.points,
                              "check_note": data.check_note}
    if not _move(banquet, CHECK, values):
        if banquet.status == BanquetStatus.CHECKED:
            return _same_check_or_refuse(banquet, data)
        raise DomainError(_("This banquet is %(status)s; it cannot be checked.",
                            status=BanquetStatus.label_of(banquet.status)))
    audit_record(actor_id=actor_id, action="site_check", record=banquet, township_id=banquet.township_id, at=now,
                 before={"status": BanquetStatus.REGISTERED},
                 after={"status": banquet.status, "checked_on": data.checked_on.isoformat(),
                        "check_passed": banquet.check_passed, "check_points": data.points,
                        "check_note": data.check_note})
    return banquet


def _same_check_or_refuse(banquet: Banquet, data: CheckInput) -> Banquet:
    """A banquet keeps one on-site check: the very same one again (a resend) is a quiet success;
    a different one is refused, never silently dropped."""
    same = (banquet.checked_on == data.checked_on and banquet.check_passed == (data.result == "pass")
            and sorted(banquet.check_points or []) == sorted(data.points) and banquet.check_note == data.check_note)
    if same:
        return banquet
    raise CheckRecordedAlready(_("This banquet's on-site check is recorded already (%(day)s, %(result)s); "
                                 "a different result is not recorded over it.",
                                 day=banquet.checked_on.isoformat() if banquet.checked_on else "",
                                 result=_("Check passed") if banquet.check_passed else _("Failed: to be corrected")))


class CheckRecordedAlready(DomainError):
    """A second, different on-site check of a banquet checked already."""

    status = 409


def _check_day_refusal(day: date, banquet: Banquet, today: date) -> str | None:
    if day > today:
        return _("A check is recorded once it is done: the date cannot be after today.")
    if day > banquet.banquet_on:
        return _("The check comes before or on the banquet's day (%(day)s).", day=banquet.banquet_on.isoformat())
    if day < banquet.registered_on:
        return _("The check cannot be before the banquet was registered (%(day)s).",
                 day=banquet.registered_on.isoformat())
    return None


def banquet_move(*, scope: Scope, actor_id: int | None, banquet: Banquet, move: str, now: datetime) -> Banquet:
    """Mark a banquet held (on or after its day) or cancelled: the office or its village."""
    if not registers_banquets(scope):
        raise Forbidden(_("Banquets are registered by their village and the hygiene office."))
    step = MOVES[move]
    today = local_today(now)
    if banquet.status == step.target:
        return banquet  # the same click, twice
    if move == "hold" and banquet.banquet_on > today:
        raise DomainError(_("A banquet is marked held on or after its day (%(day)s).",
                            day=banquet.banquet_on.isoformat()))
    before = banquet.status
    if not _move(banquet, step, {"closed_on": today}):
        if banquet.status == step.target:
            return banquet
        raise DomainError(_("This banquet is %(status)s; it cannot be changed.",
                            status=BanquetStatus.label_of(banquet.status)))
    audit_record(actor_id=actor_id, action={"hold": "hold", "cancel": "cancel"}[move], record=banquet,
                 township_id=banquet.township_id, at=now, before={"status": before}, after={"status": banquet.status})
    return banquet


def banquet_cancel_refusal(banquet: Banquet) -> str | None:
    """Why a banquet cannot be cancelled (held, or cancelled already), or None while it can."""
    if banquet.status == BanquetStatus.CANCELLED:
        return _("This banquet was cancelled already (%(day)s).",
                 day=banquet.closed_on.isoformat() if banquet.closed_on else "")
    if banquet.status == BanquetStatus.HELD:
        return _("This banquet was held; a banquet that took place cannot be cancelled.")
    return None


def _move(banquet: Banquet, step: Transition, values: dict[str, Any]) -> bool:
    moved = db.session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult
        sa.update(Banquet).where(Banquet.id == banquet.id, step.clause(Banquet.status))
        .values(status=step.target, **values).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(banquet)
    return bool(moved)


def _facts(data: BanquetInput) -> dict[str, Any]:
    return {name: getattr(data, name) for name in BANQUET_FACTS}


def _refuse_same_banquet(village_id: int, host_name: str, day: date, *, keep: int | None = None,
                         key: str | None = None) -> Banquet | None:
    """A village registers one banquet per host and day (a cancelled one leaves room for a new one):
    the form sent again with a new key (Back, then submit) is refused, naming the first; the same
    key again (registered a moment ago) finds its banquet."""
    same = db.session.scalar(sa.select(Banquet).where(
        Banquet.village_id == village_id, Banquet.host_name == host_name, Banquet.banquet_on == day,
        Banquet.status != BanquetStatus.CANCELLED, Banquet.id != (keep or 0)))
    if same is not None and key and same.request_key == key:
        return same
    if same is not None:
        raise FoodInvalid({"host_name": _(
            "%(host)s's banquet on %(day)s is registered already (No. %(id)s, %(status)s).",
            host=same.host_name, day=same.banquet_on.isoformat(), id=same.id,
            status=BanquetStatus.label_of(same.status))})
    return None


def _banquet_of_key(key: str) -> Banquet | None:
    return db.session.scalar(sa.select(Banquet).where(Banquet.request_key == key))


# --- health certificates -----------------------------------------------------------------------

def certificate_add(*, scope: Scope, actor_id: int | None, data: CertificateInput,
                    now: datetime) -> HealthCertificate:
    """Keep a worker's certificate on the unit's list; a resent form adds it once."""
    if not keeps_certificates(scope):
        raise Forbidden(_("Health certificates are kept by the unit and the hygiene office."))
    if data.request_key and (made := _certificate_of_key(data.request_key)) is not None:
        return made
    unit = _food_unit(scope, data.unit_id)
    expires_on = _expiry(data, local_today(now))
    try:
        _refuse_taken_number(unit_township(unit), data.number, keep=None)
    except FoodInvalid:  # taken by this very form, sent twice at once: the other request added it
        if data.request_key and (made := _certificate_of_key(data.request_key)) is not None:
            return made
        raise
    certificate = HealthCertificate(township_id=unit_township(unit), village_id=unit.village_id, unit_id=unit.id,
                                    worker_name=data.worker_name, number=data.number, issued_on=data.issued_on,
                                    expires_on=expires_on, created_by_id=actor_id, created_at=now, updated_at=now,
                                    request_key=data.request_key)
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
            db.session.flush()
    except IntegrityError:  # the same form at once, or the same number from another form
        if data.request_key and (made := _certificate_of_key(data.request_key)) is not None:
            return made
        raise FoodInvalid({"number": _taken_message(data.number)}) from None
    after = snapshot(certificate, CERTIFICATE_FACTS)
    after["food_unit"] = unit.name
    audit_record(actor_id=actor_id, action="create", record=certificate, township_id=certificate.township_id,
                 at=now, after=after)
    return certificate


def certificate_update(*, scope: Scope, actor_id: int | None, certificate: HealthCertificate,
                       data: CertificateInput, now: datetime) -> HealthCertificate:
    """Correct or renew a certificate (a renewal: the new number and dates); audited when changed."""
    if not keeps_certificates(scope):
        raise Forbidden(_("Health certificates are kept by the unit and the hygiene office."))
    if not certificate.active:
        raise DomainError(_("This worker has left the unit; the certificate is kept as it was."))
    expires_on = _expiry(data, local_today(now))
    _refuse_taken_number(certificate.township_id, data.number, keep=certificate.id)
    before = snapshot(certificate, CERTIFICATE_FACTS)
    certificate.worker_name, certificate.number = data.worker_name, data.number
    certificate.issued_on, certificate.expires_on = data.issued_on, expires_on
    after = snapshot(certificate, CERTIFICATE_FACTS)
    if after == before:
        return certificate
    certificate.updated_at = now
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise FoodInvalid({"number": _taken_message(data.number)}) from None
    audit_record(actor_id=actor_id, action="update", record=certificate, township_id=certificate.township_id, at=now,
                 before={k: v for k, v in before.items() if after[k] != v},
                 after={k: v for k, v in after.items() if before[k] != v})
    return certificate


def certificate_retire(*, scope: Scope, actor_id: int | None, certificate: HealthCertificate,
                       now: datetime) -> HealthCertificate:
    """The worker left: the certificate leaves the lists and the reminders (kept, never deleted)."""
    if not keeps_certificates(scope):
        raise Forbidden(_("Health certificates are kept by the unit and the hygiene office."))
    retired = db.session.execute(  # type: ignore[attr-defined]  # DML gives a CursorResult
        sa.update(HealthCertificate).where(HealthCertificate.id == certificate.id, HealthCertificate.active.is_(True))
        .values(active=False, updated_at=now).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(certificate)
    if retired:
        audit_record(actor_id=actor_id, action="retire", record=certificate, township_id=certificate.township_id,
                     at=now, before={"active": True}, after={"active": False})
    return certificate


def unit_township(unit: Unit) -> int:
    return unit.village.township_id


def _food_unit(scope: Scope, unit_id: int | None) -> Unit:
    unit = db.session.scalar(sa.select(Unit).where(Unit.id == unit_id, scope.clause(Unit), Unit.active))
    if unit is None or unit.category not in food_categories():
        raise FoodInvalid({"unit_id": _("Choose a food unit (catering or canteen) from the register.")})
    return unit


def _expiry(data: CertificateInput, today: date) -> date:
    errors: dict[str, str] = {}
    if data.issued_on > today:
        errors["issued_on"] = _("The issue date cannot be after today.")
    expires_on = data.expires_on or default_expiry(data.issued_on)
    if expires_on <= data.issued_on:
        errors["expires_on"] = _("The expiry date must be after the issue date.")
    if errors:
        raise FoodInvalid(errors)
    return expires_on


def _refuse_taken_number(township_id: int, number: str, *, keep: int | None) -> None:
    taken = db.session.scalar(sa.select(HealthCertificate.id).where(
        HealthCertificate.township_id == township_id, HealthCertificate.number == number))
    if taken is not None and taken != keep:
        raise FoodInvalid({"number": _taken_message(number)})


def _taken_message(number: str) -> str:
    return _("Certificate No. %(number)s is already on the township's list.", number=number)


def _certificate_of_key(key: str) -> HealthCertificate | None:
    return db.session.scalar(sa.select(HealthCertificate).where(HealthCertificate.request_key == key))


# --- settings ----------------------------------------------------------------------------------

def food_settings_save(*, scope: Scope, actor_id: int | None, data: FoodSettingsInput, now: datetime) -> FoodSettings:
    """Set the township's thresholds and reminder days (its admins only); audited when they change."""
    if not (scope.is_admin and scope.township_id is not None):
        raise Forbidden(_("Only the hygiene office can do this."))
    settings, created = _settings_row(scope.township_id, data, now)
    before = snapshot(settings, SETTINGS_FIELDS)
    for name in SETTINGS_FIELDS:
        setattr(settings, name, getattr(data, name))
    after = snapshot(settings, SETTINGS_FIELDS)
    if created or after != before:
        settings.updated_by_id, settings.updated_at = actor_id, now
        db.session.flush()
    if created:
        audit_record(actor_id=actor_id, action="create", record=settings, township_id=scope.township_id,
                     after=after, at=now)
    elif after != before:
        audit_record(actor_id=actor_id, action="update", record=settings, township_id=scope.township_id,
                     before=before, after=after, at=now)
    return settings


def _settings_row(township_id: int, data: FoodSettingsInput, now: datetime) -> tuple[FoodSettings, bool]:
    """The township's row and whether this call made it (of two first saves, one makes it)."""
    found = db.session.scalar(sa.select(FoodSettings).where(FoodSettings.township_id == township_id))
    if found is not None:
        return found, False
    row = FoodSettings(township_id=township_id, updated_at=now, **{n: getattr(data, n) for n in SETTINGS_FIELDS})
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return db.session.scalars(sa.select(FoodSettings).where(FoodSettings.township_id == township_id)).one(), False
    return row, True

