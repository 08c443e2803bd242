"""The in-app inbox: the bell's count, the list, marking read."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from hygiene.clock import now_utc
from hygiene.core.input import db_int
from hygiene.core.web import paginated
from hygiene.extensions import db
from hygiene.notifications.queries import inbox_stmt, unread_count
from hygiene.notifications.services import notification_mark_read, notifications_mark_read_upto

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.app_context_processor
def _bell():
    """`notification_count()` for the header: read with the signed-in user (accounts/sessions.py),
    else (a user loaded otherwise) one query, run only when a template calls it."""

    def notification_count() -> int:
        if not current_user.is_authenticated:
            return 0
        loaded = current_user.header_counts.get("unread_notifications")
        return unread_count(current_user.id) if loaded is None else loaded

    return {"notification_count": notification_count}


@bp.get("/")
@login_required
def inbox():
    page = paginated(inbox_stmt(current_user.id, now=now_utc()), per_page=current_app.config.get("PAGE_SIZE", 20))
    return render_template("notifications/list.html", page=page)


@bp.post("/read")
@login_required
def mark_read_upto():
    notifications_mark_read_upto(user_id=current_user.id, now=now_utc(),
                                 upto_id=request.form.get("upto", 0, type=db_int))
    db.session.commit()
    return redirect(url_for(".inbox", page=request.form.get("page", 1, type=db_int)))


@bp.post("/<int:notification_id>/read")
@login_required
def mark_read(notification_id: int):
    row = notification_mark_read(user_id=current_user.id, notification_id=notification_id,
                                 now=now_utc())
    db.session.commit()
    if request.form.get("open") and row.link:
        return redirect(row.link)
    return redirect(url_for(".inbox", page=request.form.get("page", 1, type=db_int)))
