"""The open inspection of the inspection tests, for uploading photos; a loud line when the private
PostgreSQL cluster of the restart test cannot be made (no initdb)."""
from tests.inspections.conftest import inspection  # noqa: F401  (a fixture)

NO_INITDB = ("NO initdb FOUND (/usr/lib/postgresql/*/bin/initdb): the real database restart test is SKIPPED. "
             "Install it with: apt-get install -y postgresql   (.ci/run does this itself)")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    stats = terminalreporter.stats.get("skipped", [])
    if any(NO_INITDB in str(getattr(report, "longrepr", "")) for report in stats):
        terminalreporter.write_sep("!", "NO initdb: DATABASE RESTART TEST SKIPPED", red=True, bold=True)
        terminalreporter.write_line(NO_INITDB, red=True, bold=True)
