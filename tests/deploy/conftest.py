"""The deploy/ folder tried for real: PostgreSQL-backed gunicorn behind Debian's nginx.

Without nginx the tests fail in CI (CI set, as .ci/run does) and are skipped loudly elsewhere."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.inspections.conftest import inspection, jpeg  # noqa: F401  (fixtures and the photo maker)

NO_NGINX = ("NO NGINX FOUND (/usr/sbin/nginx or `nginx` on PATH): the deploy tests in tests/deploy are "
            "SKIPPED. Install it with: apt-get install -y nginx   (.ci/run does this itself)")


def nginx_binary() -> str | None:
    return shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    stats = terminalreporter.stats.get("skipped", [])
    if any(NO_NGINX in str(getattr(report, "longrepr", "")) for report in stats):
        terminalreporter.write_sep("!", "NO NGINX: DEPLOY TESTS SKIPPED", red=True, bold=True)
        terminalreporter.write_line(NO_NGINX, red=True, bold=True)
