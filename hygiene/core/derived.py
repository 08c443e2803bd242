"""State kept beside the records (pest round totals and month counts, campaign and education
counts, letters' measurements) that a migration must fill for the records already there.

A migration fills it with the application's own code, and that code reads the models of the
release being installed: run inside an old migration of a long upgrade (from before later
migrations added columns those models read), it would ask for columns that do not exist yet. So a
migration only asks for its fill (`fill_after_upgrade`), and migrations/env.py runs every fill asked
for once the whole upgrade has run, in its transaction, when the database stands at the head. An
upgrade that stops short of the head leaves them to `flask pests rebuild-totals`, `flask campaigns
rebuild-counts` and the `letters_measure` job.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.engine import Connection

_asked: list[str] = []


def _pest_totals(connection: Connection) -> None:
    from hygiene.pests.monitoring.rollup import rebuild
    from hygiene.pests.rounds.models import RoundTarget
    from hygiene.pests.rounds.totals import totals_update

    connection.execute(totals_update(RoundTarget.id.is_not(None)))
    rebuild(connection)


def _campaign_and_education_counts(connection: Connection) -> None:
    from hygiene.campaigns import counts as campaign_counts
    from hygiene.education import counts as education_counts

    campaign_counts.rebuild(connection)
    education_counts.rebuild(connection)


def _letter_measures(connection: Connection) -> None:
    from hygiene.letters.measure import refresh_all_open

    refresh_all_open(connection)


FILLS: dict[str, Callable[[Connection], None]] = {
    "pest_totals": _pest_totals,
    "campaign_and_education_counts": _campaign_and_education_counts,
    "letter_measures": _letter_measures,
}


def fill_after_upgrade(name: str) -> None:
    """Ask (from a migration) for a fill at the end of the upgrade."""
    if name not in FILLS:
        raise KeyError(name)
    if name not in _asked:
        _asked.append(name)


def run_asked_fills(connection: Connection, *, at_head: bool) -> list[str]:
    """Run the fills the upgrade's migrations asked for (at the head only); returns their names."""
    asked, _asked[:] = list(_asked), []
    if not at_head:
        return []
    for name in asked:
        FILLS[name](connection)
    return asked
