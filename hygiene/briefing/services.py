"""The briefing of a township and a period, its shared links and its monthly sending.

Services flush and never commit: the view, the job or the CLI commits."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from hygiene.access.roles import Role
from hygiene.access.scope import Scope
from hygiene.audit.services import audit_record
from hygiene.briefing.models import BriefingLink
from hygiene.briefing.periods import issue_number
from hygiene.core.briefing_sections import REGISTRY, Section, SectionData
from hygiene.core.periods import Period
from hygiene.errors import Forbidden, NotFound
from hygiene.extensions import db
from hygiene.places.models import Township


@dataclass(frozen=True)
class Briefing:
    township_id: int
    township_name: str
    period: Period
    number: int
    sections: list[tuple[Section, SectionData]]

    @property
    def title(self) -> str:
        return _("%(township)s Patriotic Hygiene Office work briefing", township=self.township_name)

    @property
    def issue(self) -> str:
        if self.period.kind == "week":
            return _("%(year)s, weekly no. %(n)s", year=self.period.start.isocalendar().year, n=self.number)
        return _("%(year)s, no. %(n)s", year=self.period.start.year, n=self.number)


def township_scope(township_id: int) -> Scope:
    """What a briefing reads: the whole of one township, as its office does."""
    return Scope(Role.ADMIN, township_id=township_id)


def briefing_build(*, township_id: int, period: Period) -> Briefing:
    """Every registered section of one township's briefing of `period`, in the page's order."""
    name = db.session.scalar(sa.select(Township.name).where(Township.id == township_id))
    if name is None:
        raise NotFound("no such township")
    scope = township_scope(township_id)
    sections = [(section, section.build(scope, period)) for section in REGISTRY.sections()]
    return Briefing(township_id, name, period, issue_number(period), sections)


def period_words(period: Period) -> str:
    """The period as the briefing's heading says it: 2026年10月, or a week with its dates."""
    if period.kind == "week":
        return _("week %(week)s of %(year)s", week=period.start.isocalendar().week, year=period.start.isocalendar().year)
    return _("%(year)s-%(month)s", year=period.start.year, month=period.start.month)


def briefing_text(briefing: Briefing) -> str:
    """The briefing as plain text, for the notification: each section's title and sentences."""
    lines = [f"{briefing.title} {briefing.issue}（{period_words(briefing.period)}）"]
    for section, data in briefing.sections:
        said = _joined(data.sentences) if data.sentences and not data.empty else _("No data for this period.")
        lines.append(f"【{section.title}】{said}")
    return "\n".join(lines)


def _joined(sentences: list[str]) -> str:
    """Sentences one after the other: Chinese ones end in 。 and need no space, English ones do."""
    return "".join(s if s.endswith(("。", "！", "？")) else f"{s} " for s in sentences).strip()


def _check_sharer(scope: Scope, township_id: int) -> None:
    if not (scope.is_admin and scope.covers_township(township_id)):
        raise Forbidden(_("Only the hygiene office's administrators share the briefing."))


def link_create(*, scope: Scope, township_id: int, period: Period, request_key: str, actor_id: int | None,
                now: datetime) -> BriefingLink:
    """A new read-only link to the briefing; the same form posted twice (or at once) makes one."""
    _check_sharer(scope, township_id)
    found = _link_of_request(request_key)
    if found is not None:
        return _same_request(found, township_id, period)
    link = BriefingLink(township_id=township_id, period_key=period.key, token=secrets.token_urlsafe(24),
                        request_key=request_key, created_at=now, created_by_id=actor_id)
    try:
        with db.session.begin_nested():
            db.session.add(link)
    except IntegrityError:  # the other of two identical posts made it first
        found = _link_of_request(request_key)
        if found is None:
            raise
        return _same_request(found, township_id, period)
    audit_record(actor_id=actor_id, action="create", record=link, township_id=township_id,
                 after={"period": period.key}, at=now)
    return link


def _link_of_request(request_key: str) -> BriefingLink | None:
    return db.session.scalar(sa.select(BriefingLink).where(BriefingLink.request_key == request_key))


def _same_request(link: BriefingLink, township_id: int, period: Period) -> BriefingLink:
    if link.township_id != township_id or link.period_key != period.key:
        raise NotFound("the form's key belongs to another link")
    return link


def link_revoke(*, scope: Scope, token: str, actor_id: int | None, now: datetime) -> BriefingLink:
    """Stop a link from working; revoking it again changes nothing."""
    link = db.session.scalar(sa.select(BriefingLink).where(BriefingLink.token == token))
    if link is None or not scope.covers_township(link.township_id):
        raise NotFound("no such link")
    _check_sharer(scope, link.township_id)
    done = db.session.execute(sa.update(BriefingLink).where(BriefingLink.id == link.id, BriefingLink.revoked_at.is_(None))
                              .values(revoked_at=now, revoked_by_id=actor_id),
                              execution_options={"synchronize_session": False})
    db.session.refresh(link)
    if done.rowcount:  # type: ignore[attr-defined]  # DML gives a CursorResult, typed as Result
        audit_record(actor_id=actor_id, action="withdraw", record=link, township_id=link.township_id,
                     before={"period": link.period_key}, at=now)
    return link


def link_by_token(token: str) -> BriefingLink:
    """The link a token names while it is not revoked; else NotFound (says nothing of why)."""
    link = db.session.scalar(sa.select(BriefingLink).where(BriefingLink.token == token,
                                                           BriefingLink.revoked_at.is_(None)))
    if link is None:
        raise NotFound("no such link")
    return link


def links_of(*, township_id: int, period: Period) -> list[BriefingLink]:
    """The links made for this briefing, newest first, revoked ones included."""
    return list(db.session.scalars(sa.select(BriefingLink).where(
        BriefingLink.township_id == township_id, BriefingLink.period_key == period.key)
        .order_by(BriefingLink.id.desc()).limit(50)))
