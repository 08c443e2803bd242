"""Records the browser journeys add to the demo township through the db_query fixture."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa


def new_village_inspection(village_name: str, label: str):
    """A new village-environment inspection of `village_name`, due in 5 days, assigned to
    `inspector`; returns the function db_query runs (it answers the inspection's id)."""
    def make(session) -> int:
        from hygiene.accounts.models import User
        from hygiene.checklists.models import ChecklistTemplate
        from hygiene.clock import local_today
        from hygiene.inspections.models import Inspection
        from hygiene.places.models import Village

        template = session.scalar(sa.select(ChecklistTemplate).where(ChecklistTemplate.code == "village_environment"))
        village = session.scalar(sa.select(Village).where(Village.name == village_name))
        inspector = session.scalar(sa.select(User).where(User.username == "inspector"))
        inspection = Inspection(
            version_id=template.versions[-1].id, township_id=village.township_id, village_id=village.id,
            target_kind="village", target_id=village.id, target_label=label,
            planned_date=local_today(), due_date=local_today() + timedelta(days=5), inspectors=[inspector])
        session.add(inspection)
        session.commit()
        return inspection.id
    return make
