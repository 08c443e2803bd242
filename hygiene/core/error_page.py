"""The error pages: one answer for every refused or failed request, page or JSON.

Not a view module, so any blueprint (and the app's error handlers) may use it."""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _

from hygiene.core.web import photo_limits, wants_json
from hygiene.extensions import db


def error_page(status: int, message: str = ""):
    """Render the Chinese (or English) page for an HTTP error, never a stack trace.

    The failed request's transaction is rolled back first, so the page (whose header reads the
    signed-in user and the bell) never runs on it; should the page still fail, a plain one that
    needs no database answers. Script requests (JSON) get {"error": ...} instead of a page."""
    _discard_transaction()
    answer = _answer_for(request.path)
    if answer is not None:
        return answer(status, message)
    own = next((render for (prefix, code), render in _OWN_PAGES.items()
                if code == status and request.path.startswith(prefix)), None)
    if own is not None and not wants_json():
        return own(), status
    page = _page(status)
    if wants_json():
        return jsonify(error=message or page.message or page.title), status
    shown = (message if page.shows_message else "") or page.message
    try:
        return render_template("errors/page.html", status=status, title=page.title, message=shown,
                               advice=page.advice if page.advice_always or not shown else ""), status
    except Exception:  # noqa: BLE001 - the last line of defence must not fail
        current_app.logger.exception("the %s page failed; answering the plain one", status)
        return _plain_page(status, message or page.message), status


def database_unavailable_page(error: Exception):
    """503 while the database cannot be reached (restarting, network gone): a page that needs no
    database (not even the signed-in user), and a Retry-After, instead of a 500. Any other
    database error (a fault of the SQL itself, core/unreachable.py) is a 500 as ever."""
    from hygiene.core.unreachable import out_of_reach

    if not out_of_reach(error):
        current_app.log_exception(sys.exc_info())
        _discard_transaction()
        return error_page(500)
    current_app.logger.warning("database unavailable for %s %s: %s", request.method, request.path,
                               str(error).splitlines()[0] if str(error) else type(error).__name__)
    _discard_transaction()
    title = _("The database is unavailable")
    message = _("The database cannot be reached just now, please try again in a moment. What you "
                "saved before is safe; what you were sending now was not saved, so send it again.")
    headers = {"Retry-After": "30"}
    answer = _answer_for(request.path)
    if answer is not None:
        return answer(503, "")
    if wants_json():
        return jsonify(error=message), 503, headers
    return _plain_page(503, message, title), 503, headers


def _plain_page(status: int, message: str, title: str = "") -> str:
    """The page of last resort, rendered straight from the Jinja environment: the app's context
    processors would load the signed-in user, which needs the database."""
    from flask_babel import get_locale

    return current_app.jinja_env.get_template("errors/plain.html").render(
        status=status, title=title, message=message,
        current_locale="zh_CN" if get_locale().language == "zh" else "en")


# pages of their own for a part of the site: {(URL prefix, status): render}
_OWN_PAGES: dict[tuple[str, int], Callable[[], str]] = {}


def register_error_page(prefix: str, status: int, render: Callable[[], str]) -> None:
    """Answer `status` under `prefix` with a page of its own (the public pages' 404 speaks to the
    public, not to signed-in staff), including when no route matched there at all."""
    _OWN_PAGES[(prefix, status)] = render


# answers of their own for a part of the site: {URL prefix: answer(status, message)}
_OWN_ANSWERS: dict[str, Callable[[int, str], Any]] = {}


def register_error_answer(prefix: str, answer: Callable[[int, str], Any]) -> None:
    """Answer every error under `prefix` with `answer` instead of a page (the JSON API's errors)."""
    _OWN_ANSWERS[prefix] = answer


def _answer_for(path: str) -> Callable[[int, str], Any] | None:
    return next((answer for prefix, answer in _OWN_ANSWERS.items() if path.startswith(prefix)), None)


@dataclass(frozen=True)
class _Page:
    title: str
    advice: str = ""               # what to do next
    message: str = ""              # said when the refusal brings no message of its own
    advice_always: bool = False    # the advice also follows the refusal's own message
    shows_message: bool = True     # False: the page never repeats a message (what is not found)


def _discard_transaction() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a lost connection: the plain page needs none
        current_app.logger.exception("rollback before the error page failed")


def _page(status: int) -> _Page:
    """The words of each error page; a refusal without a page of its own (409) reads as 422."""
    if status == 400:
        return _Page(_("Bad request"), _("The request could not be understood. If you were submitting a "
                                         "form, go back and try again."))
    if status == 403:
        return _Page(_("Not allowed"), _("Your account may not open this page. Ask the hygiene office if "
                                         "you need access."), advice_always=True)
    if status == 404:
        return _Page(_("Page not found"), _("This page does not exist, or it is not part of your area."),
                     shows_message=False)
    if status == 405:
        return _Page(_("Wrong request method"), _("This page cannot be opened that way."), shows_message=False)
    if status == 413:
        limits = photo_limits()
        return _Page(_("File too large"), _("The file is larger than the system accepts. Upload a smaller one."),
                     message=_("The upload is larger than the %(limit)s MB the system takes at once (a photo "
                               "may be at most %(photo)s MB). Nothing of it was saved: go back, choose a "
                               "smaller photo and send again.",
                               limit=current_app.config["MAX_CONTENT_LENGTH"] // 1048576,
                               photo=limits.max_bytes // 1048576))
    if status >= 500:
        return _Page(_("Something went wrong"),
                     message=_("The system could not finish this request. Nothing was half-saved; please try "
                               "again, and tell the hygiene office if it keeps happening."))
    return _Page(_("Not done"), _("Nothing was changed. Go back, correct it and try again."), advice_always=True)
