"""Security headers on every response: a content security policy without inline script,
no framing, no MIME sniffing, a short referrer, and HSTS when the request came over HTTPS."""
from __future__ import annotations

from flask import Flask, Response, request

# scripts only from our own static files; inline style attributes stay allowed (a progress bar
# sets its width), <style> elements and styles from elsewhere do not; photos preview as blob:
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}
HSTS = "max-age=31536000"  # a year; browsers remember it only when it came over HTTPS


def add_security_headers(response: Response) -> Response:
    """Set the headers a view has not set itself (over HTTPS, HSTS too)."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
