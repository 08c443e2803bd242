"""The kinds of health-education activity, and who keeps a log (a village or a unit)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from hygiene.core.status import LabelledStatus


class ActivityKind(LabelledStatus):
    BOARD = "board", _l("Notice board updated (宣传栏)")
    LECTURE = "lecture", _l("Lecture (讲座)")
    CONSULTATION = "consultation", _l("Consultation or free clinic day (咨询/义诊)")
    COLUMN = "column", _l("Health-knowledge column (健康知识专栏)")


class SubjectKind(LabelledStatus):
    VILLAGE = "village", _l("Villages and communities")
    UNIT = "unit", _l("Units")


# a board update has readers, not an audience counted at the door
COUNTS_ATTENDANCE = frozenset({ActivityKind.LECTURE, ActivityKind.CONSULTATION})
