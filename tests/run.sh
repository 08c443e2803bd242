#!/usr/bin/env bash
# Run the whole suite on SQLite and on PostgreSQL (when TEST_DATABASE_URL is set or the local
# server answers), then the browser tests. The two database passes run side by side: each is
# one Python process and the machine has two cores, so the pair takes little more than the
# longer one. The browser tests run alone afterwards, on SQLite, because their timeouts are
# about what a person waits for and a loaded machine makes them flaky; the database layer under
# them is covered on both databases by the rest of the suite.
# Arguments are passed to both pytest passes (e.g. `tests/run.sh -x -k orders`).
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
LOCAL_PG="postgresql+psycopg://postgres@127.0.0.1:5432/test"
LOGS="$(mktemp -d)"
trap 'rm -rf "$LOGS"' EXIT

if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then
  echo "== browser tests: Chromium found at $(command -v chromium || echo /usr/bin/chromium)"
else
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
  echo "!! NO CHROMIUM: the browser tests in tests/e2e will be SKIPPED.            !!"
  echo "!! Install it with: apt-get install chromium   (.ci/run does this itself)  !!"
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
fi

if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
  echo "== deploy tests: nginx found (they run in the PostgreSQL pass)"
else
  echo "!! NO NGINX: the deploy tests in tests/deploy will be SKIPPED (FAIL when CI is set)."
  echo "!! Install it with: apt-get install nginx   (.ci/run does this itself)"
fi

PG_URL="${TEST_DATABASE_URL:-}"
if [ -z "$PG_URL" ] && "$BIN/python" - <<PY 2>/dev/null
import psycopg
psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=3).close()
PY
then
  PG_URL="$LOCAL_PG"
fi

echo "== tests on SQLite (without the browser tests)"
env -u TEST_DATABASE_URL "$BIN/python" -m pytest -q -p no:cacheprovider --ignore=tests/e2e "$@" \
  >"$LOGS/sqlite" 2>&1 &
SQLITE_PID=$!
if [ -n "$PG_URL" ]; then
  echo "== tests on PostgreSQL ($PG_URL), alongside"
  TEST_DATABASE_URL="$PG_URL" "$BIN/python" -m pytest -q -p no:cacheprovider --ignore=tests/e2e "$@" \
    >"$LOGS/pg" 2>&1 &
  PG_PID=$!
fi

wait "$SQLITE_PID"; SQLITE_RC=$?
echo "== SQLite pass (exit $SQLITE_RC)"; cat "$LOGS/sqlite"
PG_RC=0
if [ -n "$PG_URL" ]; then
  wait "$PG_PID"; PG_RC=$?
  echo "== PostgreSQL pass (exit $PG_RC)"; cat "$LOGS/pg"
else
  echo "!! PostgreSQL not reachable and TEST_DATABASE_URL not set: PostgreSQL pass NOT run."
fi

E2E_RC=0
if [ "$#" -eq 0 ]; then
  echo "== browser tests (SQLite)"
  env -u TEST_DATABASE_URL "$BIN/python" -m pytest -q -p no:cacheprovider tests/e2e; E2E_RC=$?
fi

echo "== exit codes: SQLite $SQLITE_RC, PostgreSQL $PG_RC, browser $E2E_RC"
[ "$SQLITE_RC" -eq 0 ] && [ "$PG_RC" -eq 0 ] && [ "$E2E_RC" -eq 0 ]
