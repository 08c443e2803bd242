"""Small helpers every blueprint uses: the current scope, one write per request, safe
redirects, form errors."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import abort, flash, g, redirect, request, session
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from hygiene.access.scope import Scope
from hygiene.core.paging import ListPage, list_page
from hygiene.errors import DomainError, Forbidden, InvalidFields, NotFound
from hygiene.extensions import db

T = TypeVar("T")


def current_scope() -> Scope:
    """The scope of the signed-in user."""
    return Scope.of(current_user)


def require_admin() -> Scope:
    """Return the admin's scope, or answer 403 for everyone else."""
    scope = current_scope()
    if not scope.is_admin:
        abort(403)
    return scope


def require_office() -> Scope:
    """Return the scope of office staff (admins, inspectors); contacts get 403."""
    scope = current_scope()
    if not scope.township_wide:
        abort(403)
    return scope


# --- one write per request --------------------------------------------------------------------
# Forbidden and NotFound are never a flash: they go on to the app's 403 and 404 pages; any other
# DomainError that a view does not answer itself becomes a 422 page (JSON for scripts). Those
# handlers roll back first (hygiene/core/error_page.py), so nothing of a refused request is kept.


@contextmanager
def committing() -> Iterator[None]:
    """Run the block as the request's one transaction: commit when it ends, roll back and let
    the error go on (to the error handlers) when it fails."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def attempt(step: Callable[[], T], *, passes: tuple[type[DomainError], ...] = ()
            ) -> tuple[T, DomainError | None]:
    """Run a step the user may get wrong: commit and return (result, None); on a refusal roll
    back and return (None, error) for the view to show beside the form it re-renders (the
    result is typed as T: a caller reads it only when there is no error).
    Forbidden and NotFound are not refusals of the input: they go on to the 403/404 pages;
    `passes`: other errors the view answers itself (rolled back, raised on)."""
    answered_elsewhere: tuple[type[BaseException], ...] = (Forbidden, NotFound, *passes)
    try:
        result = step()
    except answered_elsewhere:
        db.session.rollback()
        raise
    except DomainError as error:
        db.session.rollback()
        return cast(T, None), error
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()
    return result, None


def form_step(step: Callable[[], T], *, done: str | Callable[[T], str], back: str,
              to: str | Callable[[T], str] | None = None, passes: tuple[type[DomainError], ...] = ()):
    """A posted step of a page (publish, confirm, deactivate...): commit, flash `done` and go to
    `to` (default: `back`); a refusal is rolled back, flashed, and goes `back` (303 both ways).
    Scripts asking for JSON get {"error": ...} with 422 instead of the flash."""
    from flask import jsonify

    result, error = attempt(step, passes=passes)
    if error is not None:
        if wants_json():
            return jsonify(error=error.message), 422
        flash(error.message, "error")
        return redirect(back, 303)
    say_done(done(result) if callable(done) else done)
    target = to(result) if callable(to) else to
    return redirect(target or back, 303)


SAID_KEYS = "said_keys"  # the session's last few form keys whose success was said
SAID_KEYS_KEPT = 8


def say_done(message: str, category: str = "success") -> None:
    """Flash a step's success once: a resent form (its `request_key` said already in this browser:
    a double tap, a retry, the back button) answers like the first without a second message, and a
    message still waiting to be shown is not queued again."""
    key = request.form.get("request_key", "") if request.method == "POST" else ""
    if key:
        tag = hashlib.sha256(key.encode()).hexdigest()[:12]
        said = list(session.get(SAID_KEYS, []))
        if tag in said:
            return
        session[SAID_KEYS] = [*said, tag][-SAID_KEYS_KEPT:]
    if [category, message] in [list(pair) for pair in session.get("_flashes", [])]:
        return
    flash(message, category)


def show_refusal(form: FlaskForm, error: DomainError) -> None:
    """Put a refused step's messages on the form it re-renders: beside their fields, else on top."""
    apply_errors(form, error.errors if isinstance(error, InvalidFields) else {error.field or "": error.message})


def answers_json(view: Callable) -> Callable:
    """Mark a view that scripts call (autosave, photo upload): its errors answer {"error": ...}
    whatever the request looks like."""
    @wraps(view)
    def marked(*args, **kwargs):
        g.answers_json = True
        return view(*args, **kwargs)
    return marked


def wants_json() -> bool:
    """True for script requests, which get {"error": ...} instead of a page: a view marked
    with @answers_json, or a request that sends or asks for JSON."""
    return (g.get("answers_json", False) or request.is_json
            or request.accept_mimetypes.best == "application/json")


def apply_errors(form: FlaskForm, errors: dict[str, str]) -> None:
    """Show service errors beside their fields; errors without a field go to the form."""
    for name, message in errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)


def safe_next(default: str) -> str:
    """The `next` target when it stays on this site, else `default`."""
    target = request.values.get("next", "")
    parts = urlsplit(target)
    # browsers read a backslash as a slash ("/\\evil.example" is "//evil.example") and drop
    # tabs and newlines, so neither may slip a second slash past the check
    if any(c == "\\" or ord(c) < 32 or ord(c) == 127 for c in target):
        return default
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return default


def paginated(stmt, *, per_page: int = 20) -> ListPage:
    """One page of `stmt`'s rows for a list page: the `?page=` asked for (the first when missing
    or nonsense, the last when past the end; never an error), counted up to a cap (core/paging.py)."""
    return list_page(stmt, page=page_number(), per_page=per_page)


class FilterReader:
    """Reads a list's filters from a query string, noting those given but unreadable (an edited or
    old link) in `unread`, for `say_left_out`."""

    def __init__(self, args: Mapping[str, str]) -> None:
        self.args = args
        self.unread: list[str] = []

    def pick(self, name: str, read: Callable[[str], Any]) -> Any:
        """`read(raw)` of the filter, or None when absent or unreadable (then noted)."""
        raw = self.args.get(name, "")
        value = read(raw) if raw else None
        if raw and value is None:
            self.unread.append(name)
        return value


def say_left_out(unread: list[str]) -> None:
    """A list page read its filters and some could not be read (an edited or old link): say so
    rather than show another list silently."""
    if unread:
        flash(_("A filter in the address could not be read, so it was left out."), "error")


def page_number() -> int:
    """The requested page, 1 when missing or nonsense (or beyond any list's length)."""
    page = request.args.get("page", 1, type=int) or 1
    return min(page, 1_000_000) if page >= 1 else 1  # far past the end: paginated shows the last


def photo_store():
    """The configured photo store (files under UPLOAD_DIR, or an S3 bucket)."""
    from flask import current_app

    from hygiene.media.store import configured_store

    return configured_store(current_app.config)


def photo_limits():
    """Photo size and pixel limits, from the configuration where it sets them."""
    from flask import current_app

    from hygiene.media.intake import PhotoLimits

    defaults = PhotoLimits()
    return PhotoLimits(max_bytes=current_app.config.get("PHOTO_MAX_BYTES", defaults.max_bytes),
                       max_pixels=current_app.config.get("PHOTO_MAX_PIXELS", defaults.max_pixels))


def public_url(endpoint: str, **values) -> str:
    """The full address of a page as the public reaches it (the notice's QR code): under
    PUBLIC_BASE_URL when set, else the request's own address (proxy headers honoured)."""
    from flask import current_app, url_for

    path = url_for(endpoint, **values)[len(request.script_root):]
    return absolute_url(current_app.config.get("PUBLIC_BASE_URL") or request.url_root, path)


def absolute_url(base: str, path: str) -> str:
    """Join the site's address and a path in the app, one slash between (e-mails use it too)."""
    return base.rstrip("/") + "/" + path.lstrip("/")
