#!/usr/bin/env bash
# Starts or stops a named on 127.0.0.1 for tests and benchmarks.
#
#   named.sh start DIR PORT CONTROL_PORT [OPTIONS [CONFIG]]
#                                          writes DIR/named.conf, DIR/rndc.conf, DIR/rndc.key
#                                          (kept when there is one) and an empty
#                                          DIR/dadns.zones.conf (the include dadns manages),
#                                          starts named, waits until rndc answers (up to
#                                          NAMED_START_WAIT_SECONDS, default 10)
#   named.sh stop DIR                      stops it by the pid in DIR/named.pid
#
# OPTIONS: statements for the options block in place of the default "notify no;", e.g. for a
# primary that notifies a secondary on loopback:
#   'notify explicit; also-notify { 127.0.0.1 port 5301; }; notify-delay 0;'
# An allow-transfer statement in OPTIONS replaces the default "allow-transfer { 127.0.0.1; };",
# e.g. 'allow-transfer { key "xfer"; };' for transfers signed with that TSIG key only.
# CONFIG: statements added to named.conf after the include, e.g. a secondary's zone:
#   'zone "example.com" { type secondary; primaries { 127.0.0.1 port 5300; }; file "example.com.sec"; };'
# or a TSIG key ('key "xfer" { algorithm hmac-sha256; secret "..."; };'; named resolves key names
# used in OPTIONS after it read the whole file).
# The log (DIR/named.log) has severity info and up; `rndc trace 3` adds debug messages up to level
# 3 (the channel's severity is dynamic).
set -euo pipefail
. "$(dirname "$0")/stop-pid.sh"

cmd=${1:?usage: named.sh start DIR PORT CONTROL_PORT [OPTIONS [CONFIG]] | stop DIR}
dir=${2:?directory}

case "$cmd" in
start)
  port=${3:?port}
  control=${4:?control port}
  options=${5:-notify no;}
  config=${6:-}
  case "$options" in
  *allow-transfer*) transfer= ;;
  *) transfer='allow-transfer { 127.0.0.1; };' ;;
  esac
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  # A restart in the same directory keeps the key, as a real named's restart does.
  if [ ! -e "$dir/rndc.key" ]; then
    secret=$(head -c 32 /dev/urandom | base64)
    cat > "$dir/rndc.key" <<KEY
key "dadns-test" { algorithm hmac-sha256; secret "$secret"; };
KEY
  fi
  cat > "$dir/named.conf" <<CONF
include "$dir/rndc.key";
options {
  directory "$dir";
  listen-on port $port { 127.0.0.1; };
  listen-on-v6 { none; };
  pid-file "$dir/named.pid";
  recursion no;
  $transfer
  $options
  dnssec-validation no;
};
controls { inet 127.0.0.1 port $control allow { 127.0.0.1; } keys { "dadns-test"; }; };
logging { channel main { file "$dir/named.log"; severity dynamic; print-time yes; }; category default { main; }; };
include "$dir/dadns.zones.conf";
$config
CONF
  cat > "$dir/rndc.conf" <<RNDC
include "$dir/rndc.key";
options { default-server 127.0.0.1; default-port $control; default-key "dadns-test"; };
RNDC
  [ -e "$dir/dadns.zones.conf" ] || : > "$dir/dadns.zones.conf"
  named -c "$dir/named.conf" -u root
  wait_seconds=${NAMED_START_WAIT_SECONDS:-10}
  for _ in $(seq 1 $((wait_seconds * 10))); do
    if rndc -c "$dir/rndc.conf" status > /dev/null 2>&1; then
      echo "named running on 127.0.0.1:$port (pid $(cat "$dir/named.pid"))"
      exit 0
    fi
    sleep 0.1
  done
  echo "named did not start; its log:" >&2
  cat "$dir/named.log" >&2 || true
  exit 1
  ;;
stop)
  [ -f "$dir/named.pid" ] || exit 0
  stop_pid "$(cat "$dir/named.pid")"
  ;;
*)
  echo "usage: named.sh start DIR PORT CONTROL_PORT [OPTIONS [CONFIG]] | stop DIR" >&2
  exit 2
  ;;
esac
