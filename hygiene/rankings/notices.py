"""Telling the ranked that a ranking (or its correction) is published; queued with the publication."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from hygiene.accounts.models import Role, User
from hygiene.extensions import db
from hygiene.notifications.services import NotifySpec, tell
from hygiene.places.models import Unit, Village
from hygiene.rankings.models import RankingPublication
from hygiene.rankings.wording import period_label


def tell_published(publication: RankingPublication, now: datetime) -> None:
    """Each village's contacts (or, for a unit ranking, each unit's contacts) learn their place.

    Once per publication: a correction is a new publication and is told again."""
    rows = {row["id"]: row for row in publication.rows}
    link = f"/public/{publication.township_id}/{publication.period_key}/"
    if publication.subject != "villages":
        link += f"?subject={publication.subject}"
    period = LazyString(period_label, publication.period_key)  # worded in the recipients' language
    subject = (_l("Ranking of %(period)s corrected", period=period) if publication.corrects_id
               else _l("Ranking of %(period)s published", period=period))
    tell(NotifySpec(recipient=user, kind="ranking_published", subject=subject,
                    body=_place(rows.get(candidate_id)), dedupe_key=str(publication.id),
                    send_after=now, link=link)
         for user, candidate_id in _ranked_people(publication))


def _place(row: dict | None):
    if row is None:
        return _l("Your place is on the published list.")
    if row["rank"]:
        return _l("%(name)s: rank %(rank)d, score %(score)s.", name=row["name"], rank=row["rank"],
                  score=row["score"])
    return _l("%(name)s is listed but not ranked this time (too few inspections).", name=row["name"])


def _ranked_people(publication: RankingPublication) -> list[tuple[User, int]]:
    """(contact, the village or unit they answer for) for the candidates of the publication's township."""
    if publication.subject == "villages":
        stmt = (sa.select(User, User.village_id).join(Village, User.village_id == Village.id)
                .where(User.role == Role.VILLAGE_CONTACT.value, Village.township_id == publication.township_id))
    else:
        category = publication.subject.partition(":")[2]
        stmt = (sa.select(User, User.unit_id).join(Unit, User.unit_id == Unit.id)
                .join(Village, Unit.village_id == Village.id)
                .where(User.role == Role.UNIT_CONTACT.value, Unit.category == category,
                       Village.township_id == publication.township_id))
    return [(user, candidate) for user, candidate in db.session.execute(
        stmt.where(User.active.is_(True)).order_by(User.id))]
