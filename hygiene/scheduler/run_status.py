"""A job run's statuses as the jobs page words them: running until it finishes (ok or failed);
a run left running by a scheduler that was killed is recorded as died at the next start."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.core.status import LabelledStatus


class RunStatus(LabelledStatus):
    RUNNING = "running", _l("running")
    OK = "ok", _l("ok")
    ERROR = "error", _l("failed")
    DIED = "died", _l("died")

    @property
    def badge_class(self) -> str:
        """The badge colour the page gives it (the colours of the inspection badges)."""
        return _BADGE_CLASSES[self]

    @property
    def is_unfinished(self) -> bool:
        """Running or died: its last finished run is older than its start."""
        return self in (RunStatus.RUNNING, RunStatus.DIED)


_BADGE_CLASSES = {RunStatus.OK: "status-published", RunStatus.ERROR: "status-overdue",
                  RunStatus.RUNNING: "status-in_progress", RunStatus.DIED: "status-overdue"}
