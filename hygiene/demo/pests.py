"""The demo's density monitoring: four months of surveys per village, at different levels."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.extensions import db
from hygiene.pests import surveys
from hygiene.pests.monitoring.schemas import MonitoringInput
from hygiene.pests.monitoring.services import monitoring_create
from hygiene.places.models import Village

# per pest: the method surveyed, its (positive, base) fields, and positives per 100 checked that
# give A, B, C and below C under the 2011 standards
SURVEYS = {"rodent": ("room_signs", [0, 2, 4, 8]), "mosquito": ("dipper", [0, 2, 4, 30]),
           "fly": ("fly_rooms", [0, 2, 4, 12]), "cockroach": ("flush_out", [0, 2, 4, 15])}


def demo_monitoring(*, township_id: int, today: date, months: int = 4) -> int:
    """Monthly surveys of every pest in every village; mostly good, a village sometimes slipping."""
    admin = db.session.scalars(sa.select(User).where(User.username == "admin")).one()
    villages = db.session.scalars(sa.select(Village).where(Village.township_id == township_id)
                                  .order_by(Village.id)).all()
    made = 0
    for back in range(months, 0, -1):
        day = date(today.year, today.month, 10)
        for _month in range(back):
            day = date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 10)
        for number, village in enumerate(villages):
            for pest, (key, steps) in SURVEYS.items():
                method = surveys.method_of(pest, key)
                assert method is not None
                positive_field, base_field = method.inputs["positive"], method.inputs["checked"]
                # most villages keep to A-C; every third one slips below C now and then
                positives = steps[(number + back) % 4 if number % 3 == 0 else (number + back) % 3]
                counts = {positive_field: positives, base_field: 100}
                # two flies, larvae or small cockroaches in each positive room or dip
                counts |= {field: 0 if field == "large_cockroaches" else 2 * positives
                           for field in surveys.ALONGSIDE[(pest, key)]}
                data = MonitoringInput(village_id=village.id, surveyed_on=day, counts=counts)
                monitoring_create(scope=Scope.of(admin), actor_id=admin.id, method=method, data=data)
                made += 1
    return made
