"""Users: sign-in, creation, role bindings, deactivation and passwords."""
from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role, User, password_hash_of
from hygiene.accounts.schemas import ContactInput, UserInput, UserInvalid
from hygiene.accounts.sessions import sessions_end_all
from hygiene.audit.services import audit_record, changed_fields, snapshot
from hygiene.clock import now_utc
from hygiene.core.input import db_int
from hygiene.core.schemas import parse_input, valid_values
from hygiene.errors import DomainError, Forbidden, NotFound
from hygiene.extensions import db
from hygiene.places.models import Township, Unit, Village
from hygiene.places.rules import clean_text

MIN_PASSWORD_LENGTH = 8
CONTACT_FIELDS = ("phone", "email", "notify_by_email", "notify_by_sms")
AUDITED_FIELDS = ("username", "display_name", "phone", "role", "township_id", "village_id",
                  "unit_id", "email", "notify_by_email", "notify_by_sms")


def user_authenticate(*, username: str, password: str) -> User | None:
    """Return the active user with these credentials, noting the sign-in time."""
    user = db.session.scalar(sa.select(User).where(
        sa.func.lower(User.username) == clean_text(username).lower()))
    # an unknown name costs the same hash as a known one, so the time taken tells nothing
    matches = user.check_password(password) if user is not None else _dummy_check(password)
    if user is None or not matches or not user.active:
        return None
    user.last_login_at = now_utc()
    return user


_DUMMY_HASHES: dict[str, str] = {}


def _dummy_check(password: str) -> bool:
    """Check a password against a hash made like real ones (same method and cost); always False."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = password_hash_of(secrets.token_hex(16))
    check_password_hash(_DUMMY_HASHES[method], password)
    return False


def user_scope_clause(scope: Scope) -> sa.ColumnElement[bool]:
    """Users an administrator may see and manage."""
    if not scope.is_admin:
        return sa.false()
    return sa.true() if scope.is_county_admin else User.township_id == scope.township_id


def user_get(*, scope: Scope, user_id: int) -> User:
    """Load a user the administrator manages, or raise NotFound."""
    user = db.session.scalar(sa.select(User).where(User.id == user_id, user_scope_clause(scope)))
    if user is None:
        raise NotFound("user not found")
    return user


def user_input(*, scope: Scope, data: Mapping[str, Any], existing: User | None = None) -> UserInput:
    """The checked input of a user from a form or the CLI. When fields are wrong, UserInvalid
    names each of them and what the database and the password rule say about the rest."""
    try:
        return parse_input(UserInput, data, invalid=UserInvalid)
    except UserInvalid as invalid:
        errors = dict(invalid.errors)
    _check_user(scope, valid_values(UserInput, data, leave_out=errors), existing, errors)
    raise UserInvalid(errors)


def user_create(*, scope: Scope, actor_id: int | None, data: UserInput) -> User:
    """Create a user bound to the township, village or unit its role needs."""
    values = _validate(scope, data, existing=None)
    user = User(**values)
    user.set_password(data.password)
    db.session.add(user)
    db.session.flush()
    audit_record(actor_id=actor_id, action="create", record=user, township_id=user.township_id,
                 after=snapshot(user, AUDITED_FIELDS))
    return user


def user_update(*, scope: Scope, actor_id: int | None, user: User, data: UserInput) -> User:
    """Change a user's name, role or binding; a new password is set only when given."""
    values = _validate(scope, data, existing=user)
    password = data.password
    before = snapshot(user, AUDITED_FIELDS)
    for name, value in values.items():
        setattr(user, name, value)
    if password:
        user.set_password(password)
        sessions_end_all(user.id)  # a stolen or copied cookie stops working with the old password
    changes = changed_fields(before, snapshot(user, AUDITED_FIELDS))
    if password:
        changes["password"] = ("***", "*** (changed)")
    if changes:
        audit_record(actor_id=actor_id, action="update", record=user, township_id=user.township_id,
                     before={k: v[0] for k, v in changes.items()},
                     after={k: v[1] for k, v in changes.items()})
    return user


def user_set_active(*, scope: Scope, actor_id: int | None, user: User, active: bool) -> User:
    """Deactivate or reactivate a user; administrators cannot lock themselves out."""
    if user.id == actor_id and not active:
        raise DomainError(_("You cannot deactivate your own account."))
    if user.active != active:
        user.active = active
        if not active:
            sessions_end_all(user.id)
        audit_record(actor_id=actor_id, action="activate" if active else "deactivate",
                     record=user, township_id=user.township_id,
                     before={"active": not active}, after={"active": active})
    return user


def contact_update(*, scope: Scope, actor_id: int, user: User, data: ContactInput) -> User:
    """Set a user's phone, e-mail and wanted channels: users their own, admins those they manage."""
    if user.id != actor_id and db.session.scalar(
            sa.select(User.id).where(User.id == user.id, user_scope_clause(scope))) is None:
        raise NotFound("user not found")
    values = data.model_dump(include=set(CONTACT_FIELDS))
    before = snapshot(user, CONTACT_FIELDS)
    for name, value in values.items():
        setattr(user, name, value)
    changes = changed_fields(before, snapshot(user, CONTACT_FIELDS))
    if changes:
        audit_record(actor_id=actor_id, action="update", record=user, township_id=user.township_id,
                     before={k: v[0] for k, v in changes.items()},
                     after={k: v[1] for k, v in changes.items()})
    return user


def user_sign_out_everywhere(*, actor_id: int | None, user: User) -> int:
    """End every sign-in of a user, audited; return how many were ended."""
    ended = sessions_end_all(user.id)
    audit_record(actor_id=actor_id, action="sign_out_everywhere", record=user,
                 township_id=user.township_id, after={"sessions_ended": ended})
    return ended


def password_change(*, user: User, current: str, new: str, confirm: str) -> bool:
    """Set a user's own new password after checking the current one, audited; every sign-in
    of the user ends (the caller opens a fresh one for this device). Returns False when the
    same change was already made a moment ago (a double tap): nothing more is done."""
    old_hash, wrong = user.password_hash, {"current_password": _(
        "The current password is wrong. Nothing was changed.")}
    if not user.check_password(current or ""):
        if new and new == confirm and user.check_password(new):
            return False  # the same change, resent after it was made (a double tap seen late)
        raise UserInvalid(wrong)
    weak = _password_errors(new or "", user.username).get("password")
    errors = {"new_password": weak} if weak else {}
    if not errors and new != confirm:
        errors["confirm_password"] = _("The two new passwords differ. Type the same password twice.")
    if not errors and new == current:
        errors["new_password"] = _("The new password is the same as the current one. Choose another.")
    if errors:
        raise UserInvalid(errors)
    # conditional on the hash just checked: of two identical requests at once, one changes it
    changed = db.session.execute(sa.update(User).where(User.id == user.id, User.password_hash == old_hash)
                                 .values(password_hash=password_hash_of(new))
                                 .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]  # DML gives a CursorResult
    db.session.refresh(user)
    if not changed:
        if user.check_password(new):
            return False
        raise UserInvalid(wrong)
    sessions_end_all(user.id)  # a copied cookie dies with the old password
    audit_record(actor_id=user.id, action="update", record=user, township_id=user.township_id,
                 before={"password": "***"}, after={"password": "*** (changed)"})
    return True


COMMON_PASSWORDS = frozenset({"password", "password1", "passw0rd", "12345678", "123456789",
                              "1234567890", "qwertyuiop", "qwerty123", "abc12345", "admin123",
                              "admin1234", "administrator", "iloveyou", "11111111", "88888888",
                              "66666666", "a1234567", "woaini1314", "1qaz2wsx", "qwer1234"})


def _password_errors(password: str, username: str = "") -> dict[str, str]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return {"password": _("The password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)}
    lowered = password.lower()
    if (lowered in COMMON_PASSWORDS or password.isdigit() or len(set(password)) < 4
            or (username and username.lower() in lowered)):
        return {"password": _("This password is too easy to guess (a common password, only "
                              "digits, or the user name). Choose another.")}
    return {}


def _validate(scope: Scope, data: UserInput, existing: User | None) -> dict:
    if not scope.is_admin:
        raise Forbidden(_("Only administrators manage users."))
    values = data.model_dump(include={"username", "display_name", "role", *CONTACT_FIELDS})
    values["role"] = data.role.value
    errors: dict[str, str] = {}
    values.update(_check_user(scope, data.model_dump(), existing, errors))
    if errors:
        raise UserInvalid(errors)
    return values


def _check_user(scope: Scope, fields: dict, existing: User | None, errors: dict[str, str]) -> dict:
    """What the database and the password rule say about a user's checked fields: the role's
    binding in the admin's scope (returned), a free user name, a strong enough password."""
    binding = _binding(scope, Role(fields["role"]), fields, errors) if "role" in fields else {}
    username = fields.get("username") or ""
    if username and _username_taken(username, existing):
        errors["username"] = _("The user name “%(name)s” is taken.", name=username)
    if (existing is None or fields.get("password")) and "password" not in errors:
        errors.update(_password_errors(fields.get("password") or "", username))
    return binding


def _binding(scope: Scope, role: Role, data: dict, errors: dict[str, str]) -> dict:
    """Work out township/village/unit for a role, each checked against the admin's scope."""
    binding = {"township_id": None, "village_id": None, "unit_id": None}
    if role is Role.VILLAGE_CONTACT:
        village = _in_scope(Village, data.get("village_id"), scope)
        if village is None:
            errors["village_id"] = _("A village contact must be bound to one village.")
            return binding
        return {**binding, "village_id": village.id, "township_id": village.township_id}
    if role is Role.UNIT_CONTACT:
        unit = _in_scope(Unit, data.get("unit_id"), scope)
        if unit is None:
            errors["unit_id"] = _("A unit contact must be bound to one unit.")
            return binding
        return {**binding, "unit_id": unit.id, "township_id": unit.village.township_id}
    township = _in_scope(Township, data.get("township_id"), scope)
    if township is None and not (role is Role.ADMIN and scope.is_county_admin):
        if scope.is_county_admin:
            errors["township_id"] = _("Inspectors work for one township; choose it.")
            return binding
        township = db.session.get(Township, scope.township_id)
    binding["township_id"] = township.id if township else None
    if role is Role.INSPECTOR and data.get("village_id"):
        binding["village_id"] = _home_village(scope, township, data["village_id"], errors)
    return binding


def _home_village(scope: Scope, township, raw_id, errors: dict[str, str]) -> int | None:
    """An inspector's own village (village cadres): cross-checks never send them there."""
    village = _in_scope(Village, raw_id, scope)
    if village is None or township is None or village.township_id != township.id:
        errors["village_id"] = _("The home village must be in the inspector's township.")
        return None
    return village.id


def _in_scope(model: type[Any], raw_id: object, scope: Scope):
    try:
        record_id = db_int(raw_id)
    except (TypeError, ValueError):
        return None
    return db.session.scalar(sa.select(model).where(model.id == record_id, scope.clause(model)))


def _username_taken(username: str, existing: User | None) -> bool:
    stmt = sa.select(User.id).where(sa.func.lower(User.username) == username.lower())
    if existing is not None:
        stmt = stmt.where(User.id != existing.id)
    return db.session.scalar(stmt) is not None
