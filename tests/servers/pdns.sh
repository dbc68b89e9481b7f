#!/usr/bin/env bash
# Starts or stops a PowerDNS Authoritative server (gsqlite3 backend, HTTP API on) on 127.0.0.1
# for tests and benchmarks.
#
#   pdns.sh start DIR DNS_PORT API_PORT API_KEY [CACHE_TTL]
#                                                 creates DIR/pdns.sqlite3 on first use, starts
#                                                 pdns_server, waits until the API answers;
#                                                 CACHE_TTL (default 0: off) sets its packet and
#                                                 query caches' cache-ttl, query-cache-ttl and
#                                                 negquery-cache-ttl
#   pdns.sh stop DIR                              stops it by the pid in DIR/pdns_server.pid
set -euo pipefail
. "$(dirname "$0")/stop-pid.sh"

cmd=${1:?usage: pdns.sh start DIR DNS_PORT API_PORT API_KEY [CACHE_TTL] | stop DIR}
dir=${2:?directory}

schema=/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql

case "$cmd" in
start)
  dns_port=${3:?dns port}
  api_port=${4:?api port}
  api_key=${5:?api key}
  cache_ttl=${6:-0}
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ ! -f "$dir/pdns.sqlite3" ]; then
    sqlite3 "$dir/pdns.sqlite3" < "$schema"
  fi
  cat > "$dir/pdns.conf" <<CONF
launch=gsqlite3
gsqlite3-database=$dir/pdns.sqlite3
gsqlite3-pragma-synchronous=0
local-address=127.0.0.1
local-port=$dns_port
api=yes
api-key=$api_key
webserver=yes
webserver-address=127.0.0.1
webserver-port=$api_port
webserver-allow-from=127.0.0.0/8
socket-dir=$dir
guardian=no
daemon=no
disable-syslog=yes
loglevel=4
webserver-loglevel=none
cache-ttl=$cache_ttl
negquery-cache-ttl=$cache_ttl
query-cache-ttl=$cache_ttl
zone-cache-refresh-interval=0
CONF
  pdns_server --config-dir="$dir" > "$dir/pdns.log" 2>&1 &
  echo $! > "$dir/pdns_server.pid"
  for _ in $(seq 1 300); do
    if curl -sf -H "X-API-Key: $api_key" "http://127.0.0.1:$api_port/api/v1/servers/localhost" > /dev/null 2>&1; then
      echo "pdns_server running on 127.0.0.1:$dns_port, API on :$api_port (pid $(cat "$dir/pdns_server.pid"))"
      exit 0
    fi
    kill -0 "$(cat "$dir/pdns_server.pid")" 2> /dev/null || break
    sleep 0.1
  done
  echo "pdns_server did not start; its log:" >&2
  cat "$dir/pdns.log" >&2 || true
  exit 1
  ;;
stop)
  [ -f "$dir/pdns_server.pid" ] || exit 0
  stop_pid "$(cat "$dir/pdns_server.pid")"
  rm -f "$dir/pdns_server.pid"
  ;;
*)
  echo "usage: pdns.sh start DIR DNS_PORT API_PORT API_KEY [CACHE_TTL] | stop DIR" >&2
  exit 2
  ;;
esac
