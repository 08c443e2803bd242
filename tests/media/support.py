"""Inspections and photos of other targets, for the photo evidence and access tests."""
import random
from datetime import UTC, date, datetime
from io import BytesIO
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app
from PIL import Image

from hygiene.access.scope import Scope
from hygiene.accounts.models import User
from hygiene.extensions import db
from hygiene.inspections import fieldwork
from hygiene.inspections.models import Inspection
from hygiene.media.intake import PhotoLimits
from hygiene.media.models import Photo
from hygiene.media.store import FileSystemStore
from hygiene.rectifications import services
from hygiene.rectifications.models import RectificationOrder
from tests.inspections.conftest import jpeg

NOW = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def user(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def store() -> FileSystemStore:
    return FileSystemStore(current_app.config["UPLOAD_DIR"])


def inspection_of(like_id: int, *, township_id: int, village_id: int, unit_id: int | None,
                  label: str, status: str = "planned", planned: date = date(2026, 11, 20)) -> int:
    """A new inspection with the checklist of `like_id`, assigned to inspector_a; its id."""
    like = db.session.get(Inspection, like_id)
    row = Inspection(version_id=like.version_id, township_id=township_id, village_id=village_id,
                     target_kind="unit" if unit_id else "village", target_id=unit_id or village_id,
                     unit_id=unit_id, target_label=label, planned_date=planned,
                     due_date=date(2026, 11, 30), inspectors=[user("inspector_a")], status=status)
    db.session.add(row)
    db.session.commit()
    return row.id


def picture(seed: int) -> bytes:
    """A JPEG of random blocks: pictures of different seeds do not look alike (their difference
    hashes are far apart), unlike conftest's jpeg() patterns, which all look alike."""
    rng = random.Random(seed)
    image = Image.new("RGB", (90, 80))
    for bx in range(9):
        for by in range(8):
            shade = rng.randrange(256)
            image.paste((shade, 255 - shade, rng.randrange(256)), (bx * 10, by * 10, bx * 10 + 10, by * 10 + 10))
    out = BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def photo_on(inspection_id: int, *, pattern: int, item_id=None) -> int:
    """Attach a photo through the field form's service as inspector_a; commit; its id."""
    inspector = user("inspector_a")
    photo = fieldwork.photo_attach(scope=Scope.of(inspector), user=inspector,
                                   inspection=db.session.get(Inspection, inspection_id),
                                   item_id=item_id, filename="p.jpg", data=picture(pattern),
                                   store=store(), limits=PhotoLimits(), now=NOW)
    db.session.commit()
    return photo.id


def report_fix(order_id: int, *, pattern: int, username: str = "village_a1", key: str = "fix") -> list[int]:
    """The recipient reports the fix with one photo; commit; the ids of the evidence photos."""
    recipient = user(username)
    order = db.session.get(RectificationOrder, order_id)
    services.order_submit_evidence(scope=Scope.of(recipient), user=recipient, order=order,
                                   note="已整改", photos=[("after.jpg", jpeg() if pattern == 0 else picture(pattern))],
                                   store=store(), limits=PhotoLimits(), now=NOW, evidence_key=key)
    db.session.commit()
    return list(db.session.scalars(sa.select(Photo.id).where(
        Photo.order_id == order_id, Photo.purpose == "evidence").order_by(Photo.id)))


def ids(**values) -> SimpleNamespace:
    return SimpleNamespace(**values)


def a2_inspection(app, order, status="planned") -> int:
    with app.app_context():
        return inspection_of(order.inspection.id, township_id=db.session.get(
            Inspection, order.inspection.id).township_id, village_id=_world_a2(), unit_id=_unit_a2(),
            label="甲二村 · a2饭店", status=status)


def _world_a2() -> int:
    from hygiene.places.models import Village
    return db.session.scalar(sa.select(Village.id).where(Village.name == "甲二村"))


def _unit_a2() -> int:
    from hygiene.places.models import Unit
    return db.session.scalar(sa.select(Unit.id).where(Unit.name == "a2饭店"))
