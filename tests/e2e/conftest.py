"""Browser tests: the real application on a live server, driven by headless Chromium.

One server per run, on its own SQLite file holding the demo township, with CSRF switched on
so the forms are exercised exactly as an office worker's browser sends them. Every test runs
twice, in a desktop and in a phone viewport, and saves screenshots of its key steps to
tests/e2e/screenshots/ (git ignores them) for a person to look at.

Without Chromium the tests are skipped, loudly: see `pytest_terminal_summary` below.
"""
from __future__ import annotations

import asyncio
import logging
import re
import shutil
import threading
from pathlib import Path
from types import SimpleNamespace

import pytest

HERE = Path(__file__).resolve().parent
SCREENSHOTS = HERE / "screenshots"
DEMO_PASSWORD = "hygiene-demo"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-dev-shm-usage"]
VIEWPORTS = {
    "desktop": dict(viewport={"width": 1280, "height": 800}),
    "phone": dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                  device_scale_factor=2),
}
NO_CHROMIUM = ("NO CHROMIUM FOUND (/usr/bin/chromium or `chromium` on PATH): the browser tests in "
               "tests/e2e are SKIPPED. Install it with: apt-get install -y chromium fonts-noto-cjk")


def _chromium() -> str | None:
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _in_e2e(item: pytest.Item) -> bool:
    return HERE in Path(item.path).resolve().parents


def pytest_collection_modifyitems(config, items):
    """Mark the browser tests `e2e`, and skip them when there is no browser to run them in."""
    chromium = _chromium()
    for item in items:
        if _in_e2e(item):
            item.add_marker(pytest.mark.e2e)
            if chromium is None:
                item.add_marker(pytest.mark.skip(reason=NO_CHROMIUM))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    stats = terminalreporter.stats.get("skipped", [])
    if any(NO_CHROMIUM in str(getattr(report, "longrepr", "")) for report in stats):
        terminalreporter.write_sep("!", "NO CHROMIUM: BROWSER TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(NO_CHROMIUM, red=True, bold=True)


# ---------------------------------------------------------------------------- the live server

@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The application with the demo township, served on a free local port.

    Yields a namespace with `url` and `app` (for looking things up in the database)."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from config import TestConfig
    from hygiene import create_app
    from hygiene.demo import demo_load
    from hygiene.extensions import db

    data = tmp_path_factory.mktemp("e2e")

    class E2EConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{data / 'e2e.db'}"  # never TEST_DATABASE_URL
        UPLOAD_DIR = str(data / "uploads")
        WTF_CSRF_ENABLED = True
        DEMO_MODE = True

    (data / "uploads").mkdir()
    app = create_app(E2EConfig)
    with app.app_context():
        upgrade()
        assert demo_load(), "the demo township was already there"
        db.session.commit()

    # One line per request would drown the test output; real problems still show.
    werkzeug_log = logging.getLogger("werkzeug")
    log_level = werkzeug_log.level
    werkzeug_log.setLevel(logging.WARNING)
    # a form refused for its CSRF token is a bare 400 page; the log line of a failed test says why
    csrf_log = logging.getLogger("flask_wtf.csrf")
    csrf_level = csrf_log.level
    csrf_log.setLevel(logging.INFO)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield SimpleNamespace(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        werkzeug_log.setLevel(log_level)
        csrf_log.setLevel(csrf_level)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def db_query(live_server):
    """Run `fn(session)` in an application context of the live app and return its result."""
    from hygiene.extensions import db

    def run(fn):
        with live_server.app.app_context():
            return fn(db.session)

    return run


# ---------------------------------------------------------------------------- the browser

@pytest.fixture(scope="session")
def browser():
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass  # no loop running in this thread: the sync API may start
    else:
        pytest.fail("the Playwright sync API cannot run inside a running asyncio loop")
    from playwright.sync_api import sync_playwright

    chromium = _chromium()
    if chromium is None:  # pragma: no cover - collection already skipped the tests
        pytest.skip(NO_CHROMIUM)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> str:
    """'desktop' or 'phone'; every browser test runs in both."""
    return request.param


@pytest.fixture
def page(browser, live_server, viewport):
    """A fresh browser context (no cookies, Chinese by default) and page on the live server."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN",
                                  timezone_id="Asia/Shanghai", **VIEWPORTS[viewport])
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # what the content security policy blocked (an inline script or handler left in a template)
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def shot(page, request, viewport):
    """shot('step') saves a full-page screenshot as screenshots/<test>-<step>-<viewport>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    test = re.sub(r"^test_", "", request.node.originalname)

    def save(step: str) -> Path:
        path = SCREENSHOTS / f"{test}-{step}-{viewport}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


# ---------------------------------------------------------------------------- helpers

def _submit(page, button):
    with page.expect_response(lambda r: r.request.method == "POST"
                              and r.request.resource_type == "document") as info:
        button.click()
    page.wait_for_load_state()
    return info.value


@pytest.fixture
def submit(page):
    """submit(button): click a submit button and return the response to its POST (302 when
    the form was accepted, 422 or 401 when it came back with errors)."""
    return lambda button: _submit(page, button)


@pytest.fixture
def sign_in(page):
    """Sign in through the login page; returns the page on the dashboard.

    fresh=True: another person takes the browser, signed in or not: the page is left for a blank
    one before the cookies are forgotten. Clearing them under a live page lets that page go on
    without them (a lazy photo thumbnail loads after `load`); a protected address is sent to
    /login, which starts a second cookie-less session with a CSRF token of its own; if its cookie
    lands after the sign-in page's, the form's token no longer matches and the sign-in is a 400."""
    from playwright.sync_api import expect

    def run(username: str, password: str = DEMO_PASSWORD, *, fresh: bool = False):
        if fresh:
            page.goto("about:blank")  # nothing of the last page can send a request any more
            page.context.clear_cookies()
        page.goto("/login")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(password)
        response = _submit(page, page.locator("main form button[type=submit]"))
        assert response.status == 302, (f"sign-in of {username} answered {response.status}: "
                                        f"{page.locator('main').inner_text()[:300]!r}")
        expect(page).to_have_url(re.compile(r"/$"))
        return page

    return run
