"""A registered banquet's status and its moves.

Registered (登记/备案) -> checked (the office's on-site check recorded) -> held (it took place);
a registered or checked banquet may be cancelled. A small banquet needs no check and goes from
registered to held; a large one may be held unchecked, and the list says so (§5.1 leaves what
happens then to the regulator)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.core.status import LabelledStatus, Transition


class BanquetStatus(LabelledStatus):
    REGISTERED = "registered", _l("Registered")
    CHECKED = "checked", _l("Checked on site")
    HELD = "held", _l("Held")
    CANCELLED = "cancelled", _l("Cancelled")


OPEN = (BanquetStatus.REGISTERED, BanquetStatus.CHECKED)

CHECK = Transition.of({BanquetStatus.REGISTERED}, BanquetStatus.CHECKED)
HOLD = Transition.of(OPEN, BanquetStatus.HELD)
CANCEL = Transition.of(OPEN, BanquetStatus.CANCELLED)
