"""Security headers on every response, and pages whose script comes only from static files
(the zh page walk, tests/test_zh_every_page.py, runs `inline_script` over every page it reads)."""
from __future__ import annotations

from html.parser import HTMLParser

EXPECTED = {"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin"}


class InlineScript(HTMLParser):
    """Script the content security policy would block: <script> without src, on* handlers,
    javascript: links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and not values.get("src"):
            self.found.append("<script> without src")
        self.found += [f"{tag} {name}=" for name, _value in attrs if name.lower().startswith("on")]
        self.found += [f"{tag} {name}=javascript:" for name, value in attrs
                       if name in ("href", "src", "action", "formaction")
                       and (value or "").strip().lower().startswith("javascript:")]


def inline_script(html: str) -> list[str]:
    """What of a page's script is inline (empty when every script is a static file)."""
    parser = InlineScript()
    parser.feed(html)
    return parser.found


def headers_missing(response) -> list[str]:
    """The security headers a response lacks or words otherwise."""
    missing = [name for name, value in EXPECTED.items() if response.headers.get(name) != value]
    policy = response.headers.get("Content-Security-Policy", "")
    directives = {part.strip().split(" ")[0]: part.strip() for part in policy.split(";")}
    if directives.get("script-src") != "script-src 'self'":
        missing.append("Content-Security-Policy script-src 'self'")
    if directives.get("frame-ancestors") != "frame-ancestors 'none'":
        missing.append("Content-Security-Policy frame-ancestors 'none'")
    return missing


def test_the_check_finds_inline_script_and_spares_files():
    page = ('<html><head><script src="/static/js/app.js" defer></script><script>alert(1)</script></head>'
            '<body onload="x()"><button data-print>打印</button><a href="javascript:void(0)">x</a>'
            '<select onchange="this.form.submit()"></select></body></html>')
    assert inline_script(page) == ["<script> without src", "body onload=", "a href=javascript:",
                                   "select onchange="]
    assert inline_script('<script src="/static/js/fill.js"></script><p data-confirm="删除？">') == []


def test_pages_errors_and_files_carry_the_headers(client, world, login):
    assert headers_missing(client.get("/login")) == []
    assert headers_missing(client.get("/no-such-page")) == []
    static = client.get("/static/js/app.js")
    static.close()
    assert headers_missing(static) == []
    page = login("admin_a").get("/")
    assert page.status_code == 200 and headers_missing(page) == []
    assert inline_script(page.text) == []


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://aiwei.example.cn")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_the_policy_allows_no_inline_script_and_no_framing(client):
    policy = client.get("/login").headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert "'unsafe-eval'" not in policy
    assert "object-src 'none'" in policy and "default-src 'self'" in policy


def test_a_public_page_served_as_kept_bytes_keeps_the_headers(client, world):
    first, second = client.get("/public/"), client.get("/public/")
    assert first.status_code == second.status_code
    assert headers_missing(first) == headers_missing(second) == []
