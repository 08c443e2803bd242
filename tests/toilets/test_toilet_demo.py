"""The demo's toilet renovation: this year's task for every village, households at every stage, a
failed acceptance reworked and accepted, subsidies paid, public projects, follow-up problems open and
fixed, last year's sample drawn; the work entered on working days in office hours."""
from datetime import date, datetime, time

import sqlalchemy as sa
import time_machine

from hygiene.clock import local_zone, to_local

TODAY = date(2026, 11, 29)


def test_the_demo_has_a_toilet_year_at_every_stage(app, db):
    from hygiene.access.scope import Scope
    from hygiene.accounts.models import User
    from hygiene.audit.models import AuditEvent
    from hygiene.demo import demo_load
    from hygiene.inspections.models import Inspection
    from hygiene.places.models import Village
    from hygiene.rectifications.workdays import is_working_day
    from hygiene.toilets.board import township_board
    from hygiene.toilets.models import (
        HouseholdToilet,
        PublicToiletProject,
        ToiletFollowUpSample,
        ToiletProblem,
        ToiletTask,
    )
    from hygiene.toilets.status import ProblemStatus, ToiletStage

    moment = datetime.combine(TODAY, time(8, 40), local_zone())
    with time_machine.travel(moment, tick=False), app.app_context():
        assert demo_load()
        db.session.commit()
        villages = db.session.scalar(sa.select(sa.func.count()).select_from(Village))
        tasks = db.session.scalars(sa.select(ToiletTask).where(ToiletTask.year == 2026)).all()
        assert len(tasks) == villages
        assert all(t.deadline == date(2026, 10, 31) and t.subsidy_rates["three_compartment"] == "1000.00"
                   and t.subsidy_rates["double_urn"] == "800.00" for t in tasks)
        stages = dict(db.session.execute(sa.select(HouseholdToilet.stage, sa.func.count()).join(ToiletTask).where(
            ToiletTask.year == 2026).group_by(HouseholdToilet.stage)).all())
        assert set(stages) == {s.value for s in ToiletStage}, stages
        reworked = db.session.scalars(sa.select(HouseholdToilet).where(HouseholdToilet.reworks > 0)).all()
        assert any(t.stage in (ToiletStage.ACCEPTED, ToiletStage.SUBSIDY_PAID) for t in reworked)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(HouseholdToilet).where(
            HouseholdToilet.subsidy_paid_on.is_not(None))) >= 10
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PublicToiletProject)) >= 3
        public = db.session.scalars(sa.select(PublicToiletProject)).all()
        accepted = [p for p in public if p.stage == ToiletStage.ACCEPTED]
        assert accepted and all(p.acceptance_inspection_id for p in accepted)  # by the public toilet checklist
        assert any(p.reworks for p in accepted)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Inspection).where(
            Inspection.target_kind == "public_toilet")) >= 3
        board = township_board(scope=Scope.of(db.session.scalar(sa.select(User).where(User.username == "admin"))),
                               year=2026, today=TODAY)
        done = [v.name for v in board.villages if v.remaining == 0]
        behind = [v.name for v in board.villages if v.behind]
        assert len(done) >= 4 and 2 <= len(behind) <= len(board.villages) // 2, (done, behind)  # a believable mix
        problems = dict(db.session.execute(sa.select(ToiletProblem.status, sa.func.count())
                                           .group_by(ToiletProblem.status)).all())
        assert problems.get(ProblemStatus.FIXED) and problems.get(ProblemStatus.IN_HAND), problems
        drawn = db.session.scalar(sa.select(ToiletFollowUpSample).where(ToiletFollowUpSample.year == 2025))
        assert drawn is not None and drawn.chosen
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ToiletProblem).where(
            ToiletProblem.sample_id == drawn.id))
        times = [to_local(at) for at in db.session.scalars(sa.select(AuditEvent.at).where(AuditEvent.entity_type.in_(
            ("household_toilet", "public_toilet_project", "toilet_problem", "toilet_task",
             "toilet_follow_up_sample"))))]
        assert len(times) > 300 and max(times) < moment
        odd = [t for t in times if not is_working_day(t.date()) or not time(8) <= t.time() < time(18)]
        assert not odd, odd[:3]
