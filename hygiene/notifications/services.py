"""Putting notifications in the outbox, and the inbox's own writes; services flush, never commit."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import LazyString, force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.accounts.models import User
from hygiene.accounts.reach import register_channels_reaching
from hygiene.clock import local_today, local_zone
from hygiene.errors import NotFound
from hygiene.extensions import db
from hygiene.notifications import channels as channel_rules
from hygiene.notifications.models import ChannelName, Notification

SUBJECT_MAX = 200
KEY_MAX = 255
KEYS_IN_CHUNK = 2500  # keys per lookup: even at KEY_MAX each, under SQLite's 1 MB statement limit
INSERT_CHUNK = 1000  # rows per bulk insert; a unique-key clash redoes one chunk row by row
DEFAULT_QUIET_HOURS = (22, 7)  # no SMS between 22:00 and 07:00 local time (HYGIENE_TIMEZONE)


def notify(
    *,
    recipient: User,
    kind: str,
    subject: str,
    body: str,
    dedupe_key: str,
    send_after: datetime,
    link: str | None = None,
    channels: Iterable[str] | None = None,
) -> list[Notification]:
    """Queue one row per channel the recipient can receive; an occasion already queued adds nothing.

    `dedupe_key` names the occasion, e.g. f"order:{order.id}:{deadline.isoformat()}"; each row's
    key is f"{kind}:{recipient.id}:{channel}:{dedupe_key}", unique in the table, so calling this
    again (a second scan, a second scheduler) is harmless. `channels` narrows the choice
    (in-app always, e-mail with an address and a mail server, SMS with a phone and a gateway).
    Returns the rows this call added. Inactive users get nothing.
    """
    _check_link(link)
    if not recipient.active:
        return []
    names = receivable_channels(recipient)
    if channels is not None:
        names &= set(channels)
    keys = {name: row_key(kind=kind, recipient_id=recipient.id, channel=name, dedupe_key=dedupe_key)
            for name in sorted(names)}
    queued = _queued_keys(list(keys.values()))
    added = []
    for name, key in keys.items():
        if key in queued:
            continue
        after = _outside_quiet_hours(send_after) if name == ChannelName.SMS else send_after
        row = Notification(recipient_id=recipient.id, channel=name, kind=kind, subject=_clip(subject),
                           body=body, link=link or "", dedupe_key=key, send_after=after,
                           next_attempt_at=after, attempts=0, last_error="")
        if _insert_once(row):
            added.append(row)
    return added


def row_key(*, kind: str, recipient_id: int, channel: str, dedupe_key: str) -> str:
    """The unique key of one outbox row."""
    key = f"{kind}:{recipient_id}:{channel}:{dedupe_key}"
    if len(key) > KEY_MAX:
        raise ValueError(f"dedupe key longer than {KEY_MAX} characters: {key[:60]}...")
    return key


@register_channels_reaching  # the contact page tells the user (accounts/reach.py)
def receivable_channels(user: User) -> set[str]:
    """The channels this installation can reach the user on and the user wants (in-app always)."""
    enabled = channel_rules.enabled_channels(current_app.config)
    names = {ChannelName.IN_APP.value}
    if ChannelName.EMAIL in enabled and user.notify_by_email and channel_rules.email_address(user):
        names.add(ChannelName.EMAIL.value)
    if ChannelName.SMS in enabled and user.notify_by_sms and channel_rules.phone_number(user):
        names.add(ChannelName.SMS.value)
    return names


@dataclass(frozen=True, slots=True)
class NotifySpec:
    """The arguments of one notify() call, for queueing many at once with notify_many().

    `subject` and `body` may be lazy strings (flask_babel.lazy_gettext or LazyString): they are
    rendered only for rows actually queued, so an hourly sweep that finds everything already
    queued does not translate and format thousands of texts for nothing."""

    recipient: User
    kind: str
    subject: str | LazyString
    body: str | LazyString
    dedupe_key: str
    send_after: datetime
    link: str | None = None
    channels: Iterable[str] | None = None


def notify_many(specs: Iterable[NotifySpec]) -> int:
    """Queue what notify() would for each spec, with one lookup of the keys already queued and
    bulk inserts for the rest; a key repeated within the batch counts once. Returns rows added."""
    planned = _planned_rows(specs)
    queued = _queued_keys_chunked(list(planned))
    rows = _outbox_rows([(key, *plan) for key, plan in planned.items() if key not in queued])
    return sum(_insert_many_once(rows[start:start + INSERT_CHUNK])
               for start in range(0, len(rows), INSERT_CHUNK))


def tell(specs: Iterable[NotifySpec]) -> int:
    """Queue the notifications of a domain event, in the same transaction as the event.

    The texts (lazy strings) are written in the office's language, whatever language the person
    who caused the event reads the site in; each row is queued once per occasion (dedupe key),
    so a service that runs twice tells nobody twice. Returns rows added."""
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "zh_CN")):
        return notify_many(specs)


def digest_enqueue(
    *,
    now: datetime,
    items_by_user: Mapping[int, Sequence[str]],
    channels: Iterable[str] | None = None,
) -> int:
    """Queue one 'digest' per user per local business date listing what is due today; returns rows added."""
    day = local_today(now)
    wanted = [user_id for user_id, items in items_by_user.items() if items]
    if not wanted:
        return 0
    users = db.session.scalars(sa.select(User).where(User.id.in_(wanted)).order_by(User.id))
    added = 0
    for user in users:
        items = items_by_user[user.id]
        subject = _("Due today, %(date)s: %(count)d item(s)", date=day.isoformat(), count=len(items))
        body = "\n".join(f"· {item}" for item in items)
        added += len(notify(recipient=user, kind="digest", subject=subject, body=body, link="/",
                            dedupe_key=day.isoformat(), send_after=now, channels=channels))
    return added


def notification_mark_read(*, user_id: int, notification_id: int, now: datetime) -> Notification:
    """Mark one of the user's own in-app notifications read; anyone else's is NotFound."""
    row = db.session.get(Notification, notification_id)
    if row is None or row.recipient_id != user_id or row.channel != ChannelName.IN_APP:
        raise NotFound("no such notification")
    if row.read_at is None:
        row.read_at = now
    return row


def notifications_mark_read_upto(*, user_id: int, upto_id: int, now: datetime) -> int:
    """Mark the user's unread in-app notifications up to `upto_id` (the newest shown) read."""
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.recipient_id == user_id, Notification.channel == ChannelName.IN_APP.value,
               Notification.read_at.is_(None), Notification.id <= upto_id,
               Notification.send_after <= now)
        .values(read_at=now),
        execution_options={"synchronize_session": False})
    return result.rowcount  # type: ignore[attr-defined]  # DML gives a CursorResult, typed as Result


def _queued_keys(keys: list[str]) -> set[str]:
    return set(db.session.scalars(sa.select(Notification.dedupe_key).where(
        Notification.dedupe_key.in_(keys))))


def _insert_once(row: Notification) -> bool:
    """Add the row in a savepoint; False when a concurrent writer queued the same key first."""
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return False
    return True


def _planned_rows(specs: Iterable[NotifySpec]) -> dict[str, tuple[NotifySpec, str]]:
    """The (spec, channel) of each row notify() would add, by key; the first spec of a key wins."""
    planned: dict[str, tuple[NotifySpec, str]] = {}
    channels_of: dict[int, tuple[str, ...]] = {}
    for spec in specs:
        _check_link(spec.link)
        if spec.recipient.active:
            for name in _spec_channels(spec, channels_of):
                key = row_key(kind=spec.kind, recipient_id=spec.recipient.id, channel=name,
                              dedupe_key=spec.dedupe_key)
                planned.setdefault(key, (spec, name))
    return planned


def _spec_channels(spec: NotifySpec, channels_of: dict[int, tuple[str, ...]]) -> tuple[str, ...]:
    """The channels notify() would use for the spec, in its order, asking once per recipient."""
    user = spec.recipient
    if user.id not in channels_of:
        channels_of[user.id] = tuple(sorted(receivable_channels(user)))
    if spec.channels is None:
        return channels_of[user.id]
    wanted = set(spec.channels)
    return tuple(name for name in channels_of[user.id] if name in wanted)


def _outbox_rows(planned: list[tuple[str, NotifySpec, str]]) -> list[dict]:
    """The column values of each (key, spec, channel), as notify() sets them."""
    texts: dict[int, tuple[str, str]] = {}
    rows = []
    for key, spec, channel in planned:
        if id(spec) not in texts:  # lazy texts are rendered here, once per spec, only when needed
            texts[id(spec)] = (_clip(str(spec.subject)), str(spec.body))
        subject, body = texts[id(spec)]
        after = _outside_quiet_hours(spec.send_after) if channel == ChannelName.SMS else spec.send_after
        rows.append(dict(recipient_id=spec.recipient.id, channel=channel, kind=spec.kind, subject=subject,
                         body=body, link=spec.link or "", dedupe_key=key, send_after=after,
                         next_attempt_at=after, attempts=0, last_error=""))
    return rows


def _check_link(link: str | None) -> None:
    """Refuse a link that leaves this site: a notification only points at a path here."""
    if link and not (link.startswith("/") and not link.startswith("//") and "\\" not in link):
        raise ValueError("a notification link is a path on this site, e.g. /orders/12")


def _queued_keys_chunked(keys: list[str]) -> set[str]:
    """The keys already in the outbox, asked in chunks so no statement grows without bound."""
    # the keys go into the SQL as quoted literals: a thousand bound parameters cost the driver
    # and the compiler more than the lookup itself (psycopg parses each long statement afresh)
    stmt = sa.select(Notification.dedupe_key).where(
        Notification.dedupe_key.in_(sa.bindparam("keys", expanding=True, literal_execute=True)))
    queued: set[str] = set()
    for start in range(0, len(keys), KEYS_IN_CHUNK):
        queued.update(db.session.scalars(stmt, {"keys": keys[start:start + KEYS_IN_CHUNK]}))
    return queued


def _insert_many_once(rows: list[dict]) -> int:
    """Insert the rows in one savepoint; when a concurrent writer queued one of the keys first,
    redo them one savepoint each so only the duplicates are dropped. Returns rows added."""
    try:
        with db.session.begin_nested():  # a Core insert: the ORM's per-row bookkeeping is not needed
            db.session.execute(Notification.__table__.insert(), rows)  # type: ignore[attr-defined]  # a Table, typed FromClause
    except IntegrityError:
        return sum(_insert_once(Notification(**row)) for row in rows)
    return len(rows)


def _clip(subject: str) -> str:
    return subject if len(subject) <= SUBJECT_MAX else subject[:SUBJECT_MAX - 1] + "…"


def _outside_quiet_hours(moment: datetime) -> datetime:
    """Move a text message due at night to the next morning (SMS_QUIET_HOURS; None switches off)."""
    quiet = current_app.config.get("SMS_QUIET_HOURS", DEFAULT_QUIET_HOURS)
    if not quiet:
        return moment
    start, end = quiet
    local = moment.astimezone(local_zone())
    wraps = start > end  # 22 -> 7 spans midnight
    quiet_now = (local.hour >= start or local.hour < end) if wraps else start <= local.hour < end
    if not quiet_now:
        return moment
    day = local.date() + timedelta(days=1) if wraps and local.hour >= start else local.date()
    return datetime.combine(day, time(end), tzinfo=local_zone()).astimezone(moment.tzinfo)
