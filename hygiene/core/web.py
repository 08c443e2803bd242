"""Small helpers every blueprint uses: the current scope, safe redirects, form errors."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, request
from flask_login import current_user
from flask_wtf import FlaskForm

from hygiene.accounts.scope import Scope


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


def page_number() -> int:
    """The requested page, 1 when missing or nonsense (or beyond any list's length)."""
    page = request.args.get("page", 1, type=int) or 1
    return page if 1 <= page <= 1_000_000 else 1


def photo_store():
    """The configured photo store (files under UPLOAD_DIR)."""
    from flask import current_app

    from hygiene.media.store import FileSystemStore

    return FileSystemStore(current_app.config["UPLOAD_DIR"])


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
