"""An inspection of unit a1 with the simple sheet, assigned to inspector_a."""
from datetime import date
from io import BytesIO
from types import SimpleNamespace

import pytest
from PIL import Image

from hygiene.access.scope import Scope
from hygiene.accounts.models import Role, User
from hygiene.checklists.services import template_save
from hygiene.extensions import db
from hygiene.inspections.models import Inspection
from tests.inspections.helpers import simple_spec


@pytest.fixture
def inspection(app, world):
    """Ids of an open inspection and of its four items, in sheet order."""
    with app.app_context():
        version = template_save(scope=Scope(Role.ADMIN, township_id=world.ta), actor_id=None,
                                spec=simple_spec())
        target = Inspection(version_id=version.id, township_id=world.ta, village_id=world.a1,
                            target_kind="unit", target_id=world.unit_a1, unit_id=world.unit_a1,
                            target_label="甲一村 · a1饭店", planned_date=date(2026, 11, 23),
                            due_date=date(2026, 11, 30))
        target.inspectors = [db.session.get(User, world.user_inspector_a)]
        db.session.add(target)
        db.session.commit()
        floor, refuse, veto, records = (item.id for item in version.items)
        return SimpleNamespace(id=target.id, floor=floor, refuse=refuse, veto=veto,
                               records=records)


def jpeg(color=(200, 30, 30), size=(64, 48), pattern=0) -> bytes:
    """A small JPEG; different patterns make photos that do not look alike."""
    image = Image.new("RGB", size, color)
    for x in range(size[0]):
        for y in range(0, size[1], 4 + pattern):
            image.putpixel((x, y), (x * 4 % 256, (y * 7 + pattern * 40) % 256, 90))
    buffer = BytesIO()
    image.save(buffer, "JPEG")
    return buffer.getvalue()
