#!/usr/bin/env bash
# Starts or stops a PostgreSQL server on 127.0.0.1 for tests and benchmarks.
#
#   postgres.sh start DIR PORT   initialises DIR/data on first use (as the postgres user, which
#                                initdb requires), starts the server with its socket in DIR,
#                                waits until it answers
#   postgres.sh stop DIR         stops it by the pid in DIR/data/postmaster.pid
#
# Connections from 127.0.0.1 are trusted: user postgres, no password.
set -euo pipefail
. "$(dirname "$0")/stop-pid.sh"

cmd=${1:?usage: postgres.sh start DIR PORT | stop DIR}
dir=${2:?directory}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

case "$cmd" in
start)
  port=${3:?port}
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  chmod 755 "$dir"
  chown postgres:postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    runuser -u postgres -- "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync > "$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  # fsync stays on: the store's durability is what the tests check.
  runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=32MB" start > /dev/null ||
    { echo "postgres did not start; its log:" >&2; cat "$dir/postgres.log" >&2; exit 1; }
  echo "postgres running on 127.0.0.1:$port (pid $(head -1 "$dir/data/postmaster.pid"))"
  ;;
stop)
  [ -f "$dir/data/postmaster.pid" ] || exit 0
  stop_pid "$(head -1 "$dir/data/postmaster.pid")" INT # INT: fast shutdown
  ;;
*)
  echo "usage: postgres.sh start DIR PORT | stop DIR" >&2
  exit 2
  ;;
esac
