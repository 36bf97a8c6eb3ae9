#!/usr/bin/env bash
# Set up and start SpaceClip on http://127.0.0.1:8000 (API, workers and UI in one command).
# Embedded defaults: SQLite and a file-backed queue in the data dir; no Redis, no Ollama needed.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$ROOT"

# fc-match: which installed font draws caption characters the bundled font lacks (render/glyphs.py).
ensure_system_packages ffmpeg:ffmpeg ffprobe:ffmpeg fc-match:fontconfig
setup_venv dev
if [[ -f "$ROOT/scripts/lib/frontend.sh" ]]; then
  source "$ROOT/scripts/lib/frontend.sh"
  build_frontend
fi
say "Starting SpaceClip on http://${SPACECLIP_HOST:-127.0.0.1}:${SPACECLIP_PORT:-8000} (Ctrl+C stops it)"
exec "$VENV/bin/spaceclip" serve "$@"
