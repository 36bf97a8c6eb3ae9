# Start a throw-away PostgreSQL cluster on loopback for the tests; stopped when the script exits.
# Sets PG_URL. Source it; do not run it.
# shellcheck shell=bash

start_test_postgres() {
  local bindir port
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  [[ -x "$bindir/initdb" ]] || die "PostgreSQL server not found (apt-get install postgresql)"
  PG_DIR="$(mktemp -d /tmp/spaceclip-pg.XXXXXX)"
  port="$("$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  local run=()
  if [[ $(id -u) -eq 0 ]]; then
    # initdb refuses to run as root: run the cluster as the postgres system user.
    chown postgres:postgres "$PG_DIR"
    # Start from a folder the postgres user may enter (the checkout may be private to root).
    run=(runuser -u postgres -- env -C "$PG_DIR")
  fi
  "${run[@]}" "$bindir/initdb" -D "$PG_DIR/data" -U postgres --auth=trust -E UTF8 >/dev/null
  "${run[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
  trap 'stop_test_postgres' EXIT
  "${run[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres spaceclip_test
  PG_URL="postgresql+psycopg://postgres@127.0.0.1:$port/spaceclip_test"
  export PG_BINDIR="$bindir" PG_RUN="${run[*]}"
  say "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
}

stop_test_postgres() {
  [[ -n "${PG_DIR:-}" && -d "$PG_DIR/data" ]] || return 0
  # shellcheck disable=SC2086
  $PG_RUN "$PG_BINDIR/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
}
