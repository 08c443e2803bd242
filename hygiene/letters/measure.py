"""The measurements the assessment board reads: each open letter's targets keep their latest live
measure and its time (letter_target.measured, measured_at). Measuring the county live costs tens of
milliseconds a kind, so it is done here, off the page: by the `letters_measure` job every ten
minutes, for one letter when it is made, signed, its targets saved or it is reopened, and when an
admin presses "Measure now" on the board. The board is as fresh as its measured_at says.

Derived data, never edited by hand: recomputed from the records with the live code
(kinds.measured), so it cannot drift from what a letter's own page measures."""
from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from hygiene.clock import now_utc
from hygiene.extensions import db
from hygiene.letters.kinds import SUBJECTS, actual_of, measured
from hygiene.letters.models import LetterTarget, TargetLetter
from hygiene.letters.status import LetterStatus

_TABLE = cast(sa.Table, LetterTarget.__table__)
_WRITE = (sa.update(_TABLE).where(_TABLE.c.id == sa.bindparam("target_id"))   # Core: one executemany
          .values(measured=sa.bindparam("value"), measured_at=sa.bindparam("at")))


def refresh_measurements(*, township_id: int | None, year: int, now: datetime,
                         letter_ids: Collection[int] | None = None) -> int:
    """Measure the open letters of the year (of the township; None: the county; only `letter_ids`
    when given) and keep every target's value and time in one executemany; the targets written.
    Safe to run twice at once: each run writes the same fresh values, row by row in id order."""
    L, T = TargetLetter, LetterTarget
    stmt = (sa.select(T.id, T.kind, T.village_id, T.unit_id).join(L, L.id == T.letter_id)
            .where(L.year == year, L.status != LetterStatus.ASSESSED).order_by(T.id))
    if township_id is not None:
        stmt = stmt.where(L.township_id == township_id)
    if letter_ids is not None:
        stmt = stmt.where(L.id.in_(sorted(letter_ids)))
    targets = db.session.execute(stmt).all()
    if not targets:
        return 0
    subjects = {"unit" if unit_id else "village" for _id, _kind, _village, unit_id in targets}
    live = measured(township_id=township_id, year=year, subjects=tuple(s for s in SUBJECTS if s in subjects))
    rows = [{"target_id": target_id, "at": now,
             "value": actual_of(live, kind, village_id=village_id, unit_id=unit_id)}
            for target_id, kind, village_id, unit_id in targets]
    db.session.execute(_WRITE, rows)
    return len(rows)


def refresh_letter(letter: TargetLetter, *, now: datetime) -> int:
    """Measure one letter (made, signed, its targets saved, reopened) for the board."""
    return refresh_measurements(township_id=letter.township_id, year=letter.year, now=now, letter_ids=[letter.id])


def open_years() -> list[int]:
    """The years with a letter not yet assessed, oldest first."""
    return list(db.session.scalars(sa.select(TargetLetter.year).where(TargetLetter.status != LetterStatus.ASSESSED)
                                   .distinct().order_by(TargetLetter.year)))


def refresh_all_open(connection: sa.Connection) -> int:
    """Measure every open letter of every year on this connection (the migration that made the
    columns); the targets written."""
    registry = db.session.registry
    before = registry() if registry.has() else None
    session = Session(bind=connection)   # joins the migration's transaction, never ends it
    registry.set(session)  # type: ignore[arg-type]  # a plain Session on the migration's connection
    try:
        now = now_utc()
        written = sum(refresh_measurements(township_id=None, year=year, now=now) for year in open_years())
        session.flush()
        return written
    finally:
        session.close()
        if before is not None:
            registry.set(before)
        else:
            registry.clear()
