"""The field app's words, in the user's language, for static/field/app.js to read from the
shell (the app runs offline, so it cannot ask for them later). `{x}` marks what the app fills in."""
from __future__ import annotations

from flask_babel import gettext as _


def app_words() -> dict[str, str]:
    """Every text app.js shows, by key."""
    return {
        "offline_app": _("Field app"),
        "pass": _("Pass"), "fail": _("Fail"), "na": _("Not applicable"),
        "findings": _("Findings"), "grade": _("Grade"), "note": _("Note"), "add_photo": _("Add photo"),
        "photo_on_fail": _("A photo is required when it fails"), "veto": _("Veto"),
        "points": _("%(points)s points", points="{points}"),
        "due": _("due %(date)s", date="{date}"),
        "sent_back": _("Sent back by the office: %(comment)s", comment="{comment}"),
        "answered": _("Answered %(n)s of %(total)s", n="{n}", total="{total}"),
        "server_score": _("Score from the server: %(score)s %(grade)s", score="{score}", grade="{grade}"),
        "score_later": _("The score is worked out by the server once the answers are uploaded."),
        "submit": _("Submit the inspection"),
        "submit_confirm": _("Submit this inspection? It can no longer be changed afterwards."),
        "submitted_waiting": _("Submitted; it goes up when the network is back."),
        "submitted": _("Submitted"),
        "waiting": _("Waiting to upload: %(n)s", n="{n}"),
        "nothing_waiting": _("Everything is uploaded"),
        "online": _("Online"), "offline": _("Offline"),
        "synced_at": _("Tasks downloaded %(time)s", time="{time}"),
        "never_synced": _("No tasks downloaded on this device yet."),
        "no_tasks": _("No inspections to do in the coming 7 days."),
        "sync_failed": _("Could not download the tasks: %(reason)s", reason="{reason}"),
        "need_network": _("No network: the tasks on this device stay as they are."),
        "back": _("Back to the list"),
        "cancelled": _("Cancelled by the office"),
        "cancelled_detail": _("Cancelled by the office: what you entered is kept on this device but will not be sent."),
        "not_assigned": _("No longer assigned to you: what you entered is kept on this device but will not be sent."),
        "not_open": _("Already submitted or published on the server: it can no longer be changed here."),
        "conflict": _("These answers were changed on the server after you downloaded them. Choose which to keep; nothing is sent until you do."),
        "mine": _("Mine: %(answer)s", answer="{answer}"),
        "server": _("On the server: %(answer)s", answer="{answer}"),
        "keep_mine": _("Keep mine"), "take_server": _("Take the server's"),
        "not_answered": _("not answered"),
        "signed_out": _("Your sign-in for the field app has ended. Sign in again: nothing waiting is lost."),
        "sign_in": _("Sign in again"),
        "not_ready": _("The server did not accept the submission:"),
        "refused": _("The server refused this: %(reason)s", reason="{reason}"),
        "photo_refused": _("A photo was refused and will not be sent: %(reason)s", reason="{reason}"),
        "photo_kept": _("Photo kept on this device"),
        "photo_unreadable": _("This browser cannot shrink this photo; it is kept as taken."),
        "retrying": _("Upload failed; trying again in %(s)s s.", s="{s}"),
        "locked": _("Signed out: connect to the network and sign in to continue"),
        "others_waiting": _("This device still holds %(n)s items of another user waiting to upload; "
                            "that user must sign in to upload them", n="{n}"),
        "not_saved": _("Not saved: %(reason)s", reason="{reason}"),
        "grade_bounds": _("The grade must be between 0 and %(points)s.", points="{points}"),
        "photo_later": _("The server converts this photo once it is uploaded"),
        "not_checked": _("Not checked yet."),
        "veto_unchecked": _("A veto item must be checked: pass or fail."),
        "fail_photo": _("This item failed: take a photo of it."),
        "fix_first": _("Put these %(n)s items right before submitting.", n="{n}"),
        "unanswered": _("Answer every item before submitting (%(n)s left).", n="{n}"),
    }
