#!/usr/bin/env bash
# Install what the tests need and run every check: ruff, mypy, and pytest against SQLite and
# against a real PostgreSQL server started here on loopback.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$ROOT"

ensure_system_packages ffmpeg:ffmpeg ffprobe:ffmpeg espeak-ng:espeak-ng flite:flite sox:sox \
  redis-server:redis-server /usr/lib/postgresql:postgresql
setup_venv dev

cd "$BACKEND"
say "ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
say "mypy"
"$VENV/bin/mypy" spaceclip

say "pytest (SQLite)"
"$VENV/bin/pytest" -q -p no:cacheprovider "$@"

say "pytest (PostgreSQL on loopback)"
source "$ROOT/scripts/lib/postgres.sh"
start_test_postgres
SPACECLIP_TEST_DATABASE_URL="$PG_URL" "$VENV/bin/pytest" -q -p no:cacheprovider "$@"
say "All checks passed"
