"""Who is told about a letter, through the outbox in the event's transaction: a letter made (the
village's contacts for a village's letter, the unit's contacts for a unit's letter: "your letter
of the year is ready to sign") and a letter assessed (its score and the office's decision)."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from hygiene.access.roles import Role
from hygiene.accounts.models import User
from hygiene.extensions import db
from hygiene.letters.models import TargetLetter
from hygiene.notifications.services import NotifySpec, tell


def contacts_of(letters: Iterable[TargetLetter]) -> dict[int, list[User]]:
    """Per letter: the active contacts of its subject (a village's contacts, or the unit's), one query."""
    letters = list(letters)
    villages = {x.village_id for x in letters if x.unit_id is None}
    units = {x.unit_id for x in letters if x.unit_id is not None}
    if not letters:
        return {}
    users = list(db.session.scalars(sa.select(User).where(User.active.is_(True), sa.or_(
        sa.and_(User.role == Role.VILLAGE_CONTACT, User.village_id.in_(villages)),
        sa.and_(User.role == Role.UNIT_CONTACT, User.unit_id.in_(units)))).order_by(User.id)))
    return {x.id: [u for u in users if (u.unit_id == x.unit_id if x.unit_id is not None else
                                        u.role == Role.VILLAGE_CONTACT and u.village_id == x.village_id)]
            for x in letters}


def tell_made(letters: list[TargetLetter], *, now: datetime) -> int:
    """Tell each new letter's contacts that the year's letter waits to be signed."""
    def words(letter: TargetLetter) -> tuple[Any, Any]:
        return (_l("Your target letter for %(year)s is ready", year=letter.year),
                _l("The township's hygiene office made the target letter (目标责任书) of %(year)s for %(name)s. "
                   "Read its targets before signing.", year=letter.year, name=letter.subject_name))
    return tell(_specs(letters, "letter_made", lambda _letter: "made", words, now))


def tell_assessed(letter: TargetLetter, *, now: datetime) -> int:
    """Tell the letter's contacts the year-end assessment (score and decision); each assessment once."""
    def words(letter: TargetLetter) -> tuple[Any, Any]:
        return (_l("The target assessment of %(year)s is recorded", year=letter.year),
                _l("%(name)s: the year-end target assessment of %(year)s is recorded, score %(score)s, "
                   "decision: %(decision)s.", name=letter.subject_name, year=letter.year,
                   score=letter.score if letter.score is not None else "—", decision=letter.outcome_label or "—"))
    return tell(_specs([letter], "letter_assessed", lambda x: f"assessed:{x.assess_key or x.assessed_on}", words, now))


def tell_reopened(letter: TargetLetter, *, now: datetime) -> int:
    """Tell the letter's contacts it was reopened: their acknowledgement is cleared, its targets may change."""
    def words(letter: TargetLetter) -> tuple[Any, Any]:
        return (_l("Your target letter for %(year)s is reopened", year=letter.year),
                _l("The township's hygiene office reopened the target letter of %(year)s for %(name)s to correct "
                   "it; your acknowledgement is cleared. Read its targets and acknowledge it again.",
                   year=letter.year, name=letter.subject_name))
    return tell(_specs([letter], "letter_reopened", lambda x: f"reopened:{now.isoformat()}", words, now))


def _specs(letters: list[TargetLetter], kind: str, occasion: Callable[[TargetLetter], str],
           words: Callable[[TargetLetter], tuple[Any, Any]], now: datetime) -> Iterator[NotifySpec]:
    contacts = contacts_of(letters)
    for letter in letters:
        users = contacts.get(letter.id, [])
        if not users:
            continue
        subject, body = words(letter)
        for user in users:
            yield NotifySpec(recipient=user, kind=kind, subject=subject, body=body, send_after=now,
                             link=f"/letters/{letter.id}", dedupe_key=f"{letter.id}:{occasion(letter)}")
