#!/usr/bin/env bash
# Run the whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set or the
# local server answers. The browser tests run in the SQLite pass; they drive the UI, and the
# database layer under them is covered on both databases by the rest of the suite.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
LOCAL_PG="postgresql+psycopg://postgres@127.0.0.1:5432/test"

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

echo "== tests on SQLite"
env -u TEST_DATABASE_URL "$BIN/python" -m pytest -q -p no:cacheprovider "$@"

PG_URL="${TEST_DATABASE_URL:-}"
if [ -z "$PG_URL" ] && "$BIN/python" - <<PY 2>/dev/null
import psycopg
psycopg.connect("postgresql://postgres@127.0.0.1:5432/test", connect_timeout=3).close()
PY
then
  PG_URL="$LOCAL_PG"
fi
if [ -n "$PG_URL" ]; then
  echo "== tests on PostgreSQL ($PG_URL)"
  TEST_DATABASE_URL="$PG_URL" "$BIN/python" -m pytest -q -p no:cacheprovider --ignore=tests/e2e "$@"
else
  echo "!! PostgreSQL not reachable and TEST_DATABASE_URL not set: PostgreSQL pass NOT run."
fi
