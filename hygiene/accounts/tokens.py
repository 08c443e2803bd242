"""Making, checking and revoking API tokens.

A token is `hyg_` and 43 random URL-safe characters (256 bits); the table keeps its SHA-256, so a
copy of the database gives no one a working key. A plain hash, not a password hash: the secret is
random, not chosen by a person, so there is nothing to guess and every request can check it fast."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Annotated

import sqlalchemy as sa
from flask_babel import gettext as _

from hygiene.accounts.models import ApiToken, User, UserSession
from hygiene.audit.services import audit_record
from hygiene.core.schemas import InputModel, parse_input, typed_text
from hygiene.errors import DomainError, NotFound
from hygiene.extensions import db

PREFIX = "hyg_"
PURPOSES = ("client", "offline")
# a person has a few scripts; more is a leak waiting to happen (the field app's tokens are one
# per sign-in and end with it, so they are not counted)
MAX_ACTIVE_TOKENS = 20
# the last use is written at most this often, so reading the API is not a write per request
LAST_USED_PRECISION = timedelta(minutes=5)


class TokenInput(InputModel):
    name: Annotated[str, typed_text(60, required=True)]


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, user: User, name: str, purpose: str = "client", now: datetime,
                 sign_in: str | None = None) -> tuple[ApiToken, str]:
    """Make a token for `user`; returns the row and the secret, which is shown this once only.
    `sign_in`: the sign-in (UserSession.token) a field app's token is made from; ending that
    sign-in revokes it (sessions.session_end)."""
    if purpose not in PURPOSES:
        raise DomainError(_("Unknown token purpose."))
    clean_name = parse_input(TokenInput, {"name": name}).name
    active = db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.purpose == "client"))
    if purpose == "client" and (active or 0) >= MAX_ACTIVE_TOKENS:
        raise DomainError(_("You have %(n)d tokens in use; revoke one you no longer need first.",
                            n=MAX_ACTIVE_TOKENS))
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=clean_name, purpose=purpose, digest=digest_of(secret),
                     hint=secret[-4:], created_at=now, sign_in=sign_in)
    db.session.add(token)
    db.session.flush()
    if purpose == "offline":
        return token, secret  # the field app's: a sign-in of a phone, not an office's decision to record
    audit_record(actor_id=user.id, action="token_create", record=token, at=now,
                 township_id=user.township_id, after={"name": clean_name, "purpose": purpose})
    return token, secret



def token_user(secret: str, *, now: datetime) -> User | None:
    """The active user a token belongs to, or None for an unknown, revoked or malformed token
    (or a user switched off); notes when it was used."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.digest == digest_of(secret)))
    if token is None or token.is_revoked or not token.user.active:
        return None
    if token.sign_in is not None and not _sign_in_lives(token.sign_in):
        return None  # the field app's token ends with the sign-in it was made from
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        # a conditional UPDATE of its own: two requests at once both succeed, neither waits long
        db.session.execute(sa.update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
                           .execution_options(synchronize_session=False))
        db.session.commit()
    return token.user


def _sign_in_lives(sign_in: str) -> bool:
    return db.session.scalar(sa.select(UserSession.id).where(
        UserSession.token == sign_in, UserSession.ended_at.is_(None))) is not None


def field_token_create(*, user: User, name: str, sign_in: str, now: datetime) -> tuple[ApiToken, str]:
    """The field app's token for this sign-in: one at a time (the one made before from the same
    sign-in is revoked: its secret cannot be shown again), revoked when the sign-in ends."""
    db.session.execute(sa.update(ApiToken).where(
        ApiToken.sign_in == sign_in, ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now).execution_options(synchronize_session=False))
    return token_create(user=user, name=name, purpose="offline", now=now, sign_in=sign_in)


def user_tokens(user: User) -> list[ApiToken]:
    """The user's tokens, those in use first, newest first."""
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(
        ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))


def token_revoke(*, user: User, token_id: int, now: datetime) -> ApiToken:
    """Revoke one of the user's own tokens; revoking it again changes nothing."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
                              .with_for_update())
    if token is None:
        raise NotFound("token not found")
    if token.revoked_at is None:
        token.revoked_at = now
        audit_record(actor_id=user.id, action="token_revoke", record=token, at=now,
                     township_id=user.township_id, before={"name": token.name}, after={"revoked": True})
    return token


def tokens_revoke_all(*, user_id: int, now: datetime) -> int:
    """Revoke every token of a user (their sign-ins ended, their account switched off)."""
    return db.session.execute(sa.update(ApiToken).where(  # type: ignore[attr-defined]  # DML gives a CursorResult
        ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
        .execution_options(synchronize_session=False)).rowcount
