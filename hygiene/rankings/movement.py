"""How a name moved in a ranking since the previous one: its status on the notice."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.core.status import LabelledStatus


class Movement(LabelledStatus):
    UP = "up"
    DOWN = "down"
    SAME = "same"
    NEW = "new", _l("newly ranked")
    DROPPED = "dropped", _l("not ranked this time")  # ranked before, not now

    def text(self, moved: int) -> str:
        """The notice's move column: an arrow with the places moved, a dash, or the words."""
        if self is Movement.UP:
            return f"↑{moved}"
        if self is Movement.DOWN:
            return f"↓{moved}"
        return "—" if self is Movement.SAME else self.label


def movement(rank: int, previous_rank: int) -> Movement:
    """The move from `previous_rank` to `rank` (1 is first)."""
    if rank == previous_rank:
        return Movement.SAME
    return Movement.UP if rank < previous_rank else Movement.DOWN
