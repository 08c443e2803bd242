"""An export task's statuses and moves: queued -> running -> done or failed; a task whose runner
died goes back to queued (or fails after its last try)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.core.status import LabelledStatus, Transition


class TaskStatus(LabelledStatus):
    QUEUED = "queued", _l("Waiting to start…")
    RUNNING = "running", _l("Writing the file…")
    DONE = "done", _l("Ready")
    FAILED = "failed", _l("Failed")

    @property
    def finished(self) -> bool:
        return self in (TaskStatus.DONE, TaskStatus.FAILED)


CLAIM = Transition.of({TaskStatus.QUEUED}, TaskStatus.RUNNING)
REQUEUE = Transition.of({TaskStatus.RUNNING}, TaskStatus.QUEUED)  # its runner died
FINISH = Transition.of({TaskStatus.RUNNING}, TaskStatus.DONE)
FAIL = Transition.of({TaskStatus.RUNNING}, TaskStatus.FAILED)
