#!/usr/bin/env bash
# Starts or stops a MariaDB server on 127.0.0.1 for tests and benchmarks.
#
#   mariadb.sh start DIR PORT   initialises DIR/data on first use, starts mariadbd with its
#                               socket DIR/mysqld.sock, waits until it answers
#   mariadb.sh stop DIR         stops it by the pid in DIR/mariadbd.pid
#
# root connects over the socket without a password; tests create their own users.
set -euo pipefail
. "$(dirname "$0")/stop-pid.sh"

cmd=${1:?usage: mariadb.sh start DIR PORT | stop DIR}
dir=${2:?directory}

case "$cmd" in
start)
  port=${3:?port}
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ ! -d "$dir/data/mysql" ]; then
    mariadb-install-db --user=root --datadir="$dir/data" --auth-root-authentication-method=socket \
      --skip-test-db > "$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
  fi
  # Small buffers: test servers hold little data and several may run at once.
  mariadbd --no-defaults --user=root --datadir="$dir/data" --socket="$dir/mysqld.sock" --port="$port" \
    --bind-address=127.0.0.1 --pid-file="$dir/mariadbd.pid" --log-error="$dir/mariadbd.log" \
    --innodb-buffer-pool-size=64M --innodb-log-file-size=64M --skip-name-resolve \
    --max-connections=500 > /dev/null 2>&1 &
  for _ in $(seq 1 300); do
    if mariadb --no-defaults -uroot --socket="$dir/mysqld.sock" -e "SELECT 1" > /dev/null 2>&1; then
      echo "mariadbd running on 127.0.0.1:$port (pid $(cat "$dir/mariadbd.pid"))"
      exit 0
    fi
    sleep 0.1
  done
  echo "mariadbd did not start; its log:" >&2
  cat "$dir/mariadbd.log" >&2 || true
  exit 1
  ;;
stop)
  [ -f "$dir/mariadbd.pid" ] || exit 0
  stop_pid "$(cat "$dir/mariadbd.pid")"
  rm -f "$dir/mariadbd.pid"
  ;;
*)
  echo "usage: mariadb.sh start DIR PORT | stop DIR" >&2
  exit 2
  ;;
esac
