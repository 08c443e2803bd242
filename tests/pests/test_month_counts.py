"""The month counts the level charts read are kept in step with the records entered through the
service, equal a rebuild from the records, and add up surveys entered at the same moment."""
import threading
from datetime import date

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.extensions import db
from hygiene.pests import surveys
from hygiene.pests.monitoring import rollup
from hygiene.pests.monitoring.models import MonitoringMonthCount
from hygiene.pests.monitoring.schemas import MonitoringInput
from hygiene.pests.monitoring.services import monitoring_create


def enter(username, village_id, day, counts, method=("rodent", "room_signs")):
    admin = db.session.query(User).filter_by(username=username).one()
    data = MonitoringInput(village_id=village_id, surveyed_on=date.fromisoformat(day), counts=counts)
    monitoring_create(scope=Scope.of(admin), actor_id=admin.id, method=surveys.method_of(*method), data=data)
    db.session.commit()


def month_counts():
    m = MonitoringMonthCount
    return sorted((r.village_id, r.pest, r.month, r.field, r.day, r.total)
                  for r in db.session.scalars(sa.select(m)))


def test_each_survey_entered_updates_its_villages_month(app, world):
    with app.app_context():
        enter("admin_a", world.a1, "2026-09-03", {"rooms_with_signs": 8, "rooms_checked": 100})
        enter("admin_a", world.a1, "2026-09-20", {"rooms_with_signs": 2, "rooms_checked": 100})
        enter("admin_a", world.a1, "2026-09-20", {"rooms_with_signs": 1, "rooms_checked": 50})
        enter("admin_a", world.a1, "2026-09-25", {"rodents_caught": 3, "trap_nights_valid": 300},
              method=("rodent", "trap_night"))     # graded by no indicator: the month keeps the 20th
        enter("admin_a", world.a2, "2026-10-02", {"rooms_with_signs": 0, "rooms_checked": 80})
        kept = month_counts()
        assert kept == [
            (world.a1, "rodent", date(2026, 9, 1), "rooms_checked", date(2026, 9, 20), 150.0),
            (world.a1, "rodent", date(2026, 9, 1), "rooms_with_signs", date(2026, 9, 20), 3.0),
            (world.a2, "rodent", date(2026, 10, 1), "rooms_checked", date(2026, 10, 2), 80.0),
            (world.a2, "rodent", date(2026, 10, 1), "rooms_with_signs", date(2026, 10, 2), 0.0)]
        rollup.rebuild(db.session.connection())
        assert month_counts() == kept


def test_surveys_of_one_village_entered_at_the_same_moment_all_count(app, world):
    start = threading.Barrier(4)
    failures = []

    def one(positive):
        try:
            with app.app_context():
                start.wait()
                enter("admin_a", world.a1, "2026-11-02", {"rooms_with_signs": positive, "rooms_checked": 100})
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    workers = [threading.Thread(target=one, args=(n,)) for n in (1, 2, 3, 4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert not failures
    with app.app_context():
        totals = {r[3]: r[5] for r in month_counts()}
        assert totals == {"rooms_checked": 400.0, "rooms_with_signs": 10.0}


def test_the_rebuild_command_recomputes_what_was_written_around_the_services(app, world):
    from hygiene.pests.monitoring.models import MonitoringRecord

    with app.app_context():
        db.session.add(MonitoringRecord(township_id=world.ta, village_id=world.a2, pest="rodent",
                                        method="room_signs", surveyed_on=date(2026, 8, 5),
                                        counts={"rooms_with_signs": 1, "rooms_checked": 60}))
        db.session.commit()
        assert month_counts() == []
    result = app.test_cli_runner().invoke(args=["pests", "rebuild-totals"])
    assert result.exit_code == 0 and "2 month counts recomputed" in result.output
    with app.app_context():
        assert {(r[3], r[5]) for r in month_counts()} == {("rooms_checked", 60.0), ("rooms_with_signs", 1.0)}
