#!/usr/bin/env bash
# Install what the tests need and run every check: ruff, mypy, and pytest against SQLite and
# against a real PostgreSQL server started here on loopback; then the web app (API client check,
# tsc, eslint, next build, Playwright end-to-end tests in chromium).
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$ROOT"

ensure_system_packages ffmpeg:ffmpeg ffprobe:ffmpeg espeak-ng:espeak-ng flite:flite sox:sox \
  redis-server:redis-server /usr/lib/postgresql:postgresql
# Caption fallback fonts (tests/test_glyphs*.py): fc-match, and DejaVu Sans as a known system font.
ensure_system_packages fc-match:fontconfig /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:fonts-dejavu-core
# Voices and real recordings for the one-channel conversations (tests/conversations.py).
ensure_system_packages text2wave:festival /usr/share/festival/voices/us/cmu_us_slt_arctic_hts:festvox-us-slt-hts \
  /usr/share/asterisk/sounds/en_US_f_Allison:asterisk-core-sounds-en-wav \
  /usr/share/doc/asterisk-core-sounds-en/core-sounds-en.txt.gz:asterisk-core-sounds-en \
  /usr/share/codec2/wav/ve9qrp.wav:codec2-examples
setup_venv dev

cd "$BACKEND"
say "ruff"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
say "mypy"
"$VENV/bin/mypy" spaceclip

say "pytest (SQLite): every test, then the 25 slowest"
"$VENV/bin/pytest" -q -p no:cacheprovider --durations=25 "$@"

say "API contract: Schemathesis over every operation, signed in (deterministic, bounded: 10 cases per operation and phase)"
"$VENV/bin/python" -m tests.contract --max-examples 10

say "pytest (PostgreSQL on loopback): the tests marked db (those that touch the database)"
source "$ROOT/scripts/lib/postgres.sh"
start_test_postgres
SPACECLIP_TEST_DATABASE_URL="$PG_URL" "$VENV/bin/pytest" -q -p no:cacheprovider -m db "$@"

# Web app: the typed client must match the backend's OpenAPI schema; then types, lint, the static
# export, and the browser tests (Debian's chromium, against a real `spaceclip serve`).
ensure_system_packages chromium:chromium
source "$ROOT/scripts/lib/frontend.sh"
install_frontend_packages
say "web app: API client up to date, tsc, eslint, prettier, unit tests"
(cd "$FRONTEND" && node scripts/gen-api.mjs --check && npx --no-install next typegen >/dev/null &&
  npx --no-install tsc --noEmit && npx --no-install eslint --max-warnings=0 . && npx --no-install prettier --check . &&
  npx --no-install playwright test -c playwright.unit.config.ts)
build_frontend
say "web app: Playwright end-to-end tests in chromium"
# Chromium keeps its singleton socket under $TMPDIR, and a Unix socket path holds at most 107 bytes:
# with a long TMPDIR it aborts ("Socket path too long"). The browser tests get a short one.
E2E_TMP="$(mktemp -d /tmp/spaceclip-e2e.XXXXXX)"
(cd "$FRONTEND" && TMPDIR="$E2E_TMP" CHROMIUM_PATH="$(command -v chromium)" npx --no-install playwright test)
rm -rf "$E2E_TMP"
say "All checks passed"
