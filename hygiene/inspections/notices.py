"""Who is told what when the office reviews an inspection; queued in the review's transaction."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l

from hygiene.inspections.models import Inspection
from hygiene.notifications.services import NotifySpec, tell


def tell_sent_back(inspection: Inspection, now: datetime) -> None:
    """Each assigned inspector learns the inspection came back, with the reviewer's comment.

    Once per submission sent back: its submission time names the occasion."""
    occasion = f"{inspection.id}:{inspection.submitted_at.isoformat() if inspection.submitted_at else ''}"
    subject = _l("Sent back: %(target)s", target=inspection.target_label)
    body = _l("The hygiene office sent the inspection back: %(comment)s", comment=inspection.review_comment)
    tell(NotifySpec(recipient=user, kind="inspection_sent_back", subject=subject, body=body,
                    dedupe_key=occasion, send_after=now, link=f"/inspections/{inspection.id}/fill")
         for user in inspection.inspectors)
