"""The field app's pages: the shell, its manifest, its service worker, and the token it signs
in to the API with.

A page blueprint, not an API module: the shell and the token are reached with the session cookie
and CSRF like every page, while the API takes tokens only and never reads a cookie."""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hygiene.accounts.tokens import field_token_create
from hygiene.clock import now_utc
from hygiene.core.web import answers_json, committing, require_office
from hygiene.field.words import app_words

bp = Blueprint("field", __name__, url_prefix="/field")
# the files the service worker keeps for offline use, beside the shell itself
SHELL_FILES = ("field/field.css", "field/store.js", "field/exif.js", "field/photo.js", "field/queue.js", "field/form.js",
               "field/app.js", "field/icon-192.png", "field/icon-512.png")
TOKEN_NAME_CHARS = 60


@bp.get("/")
@login_required
def shell():
    """The app shell: everything after it happens in the browser (static/field/app.js)."""
    require_office()
    return render_template("field/app.html", words=app_words())


@bp.get("/whoami")
def whoami():
    """Who is signed in on this browser now, so an app served from the cache knows whose data it may show."""
    if not current_user.is_authenticated:
        return jsonify(user_id=None), 401
    return jsonify(user_id=current_user.id)


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest, so a phone installs the app on its home screen."""
    data = {"name": _("Field inspections (offline)"), "short_name": _("Field inspections"),
            "start_url": url_for(".shell"), "scope": url_for(".shell"), "display": "standalone",
            "background_color": "#ffffff", "theme_color": "#1f6f43", "lang": "zh-CN",
            "icons": [{"src": url_for("static", filename=f"field/icon-{size}.png"), "type": "image/png",
                       "sizes": f"{size}x{size}"} for size in (192, 512)]}
    response = jsonify(data)
    response.mimetype = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker, named by the hash of the files it keeps: a new release replaces it."""
    body = render_template("field/sw.js", version=_release(), shell=url_for(".shell"),
                           files=_static_urls())
    return Response(body, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@bp.post("/token")
@login_required
@answers_json
def token():
    """Make the API token of purpose "offline" the app keeps on this device."""
    require_office()
    body = request.get_json(silent=True) if request.is_json else request.form.to_dict()
    typed = body.get("name") if isinstance(body, dict) else None
    name = str(typed or "")[:TOKEN_NAME_CHARS].strip() or _("Field app")
    with committing():
        _row, secret = field_token_create(user=current_user._get_current_object(), name=name,
                                          sign_in=current_user.session_token, now=now_utc())
    return jsonify(token=secret, user_id=current_user.id), 201


def _static_urls() -> list[str]:
    return [url_for("static", filename=name) for name in SHELL_FILES]


@cache
def _release_of(root: str) -> str:
    digest = hashlib.sha256()
    for name in ("templates/field/app.html", "templates/field/sw.js",
                 *(f"static/{name}" for name in SHELL_FILES)):
        digest.update((Path(root) / name).read_bytes())
    return digest.hexdigest()[:12]


def _release() -> str:
    return _release_of(str(Path(current_app.root_path).parent))
