#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster on loopback (TEST_DATABASE_URL set),
# removed afterwards. Used by `npm test` and `npm run bench`. Without PostgreSQL's server
# binaries it fails (never skips): install them with  sudo apt-get install -y postgresql
set -euo pipefail

if [ -n "${TEST_DATABASE_URL:-}" ]; then exec "$@"; fi

find_pg_bin() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then pg_config --bindir; return; fi
  for d in /usr/lib/postgresql/*/bin /usr/local/pgsql/bin; do [ -x "$d/initdb" ] && { echo "$d"; return; }; done
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
}

PG_BIN=$(find_pg_bin || true)
if [ -z "$PG_BIN" ]; then
  echo "PostgreSQL server binaries (initdb, pg_ctl) not found; tests and benchmarks run against PostgreSQL too." >&2
  echo "Install them with: sudo apt-get install -y postgresql   (or set TEST_DATABASE_URL to a server you own)" >&2
  exit 1
fi
PG_DIR=$(mktemp -d /tmp/safeharbor-pg.XXXXXX)
PG_PORT=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
AS=()
if [ "$(id -u)" = 0 ]; then chown postgres "$PG_DIR"; AS=(runuser -u postgres --); fi
cleanup() { "${AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
trap cleanup EXIT
"${AS[@]}" "$PG_BIN/initdb" -A trust -U postgres -D "$PG_DIR/data" >/dev/null
"${AS[@]}" "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
  -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c shared_buffers=512MB -c max_wal_size=4GB" start >/dev/null
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
echo "# PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT (throwaway)"
set +e
"$@"
status=$?
exit "$status"
