#!/usr/bin/env bash
# The Debian packages as an operator meets them: make them from the Release build, lintian
# (no errors), install dadns with dpkg -i, check what the install did (user, directories,
# conffiles, unit enabled and accepted by systemd-analyze verify, daemon not started), run the
# installed daemon as the dadns user (--check-config on the packaged config, /health, READY=1 on
# NOTIFY_SOCKET), reinstall over an edited config, build the plugin template out of tree against
# the installed dadns-dev and load it into the installed daemon, then remove (the operator's data
# stays) and purge (no file of either package stays).
#
#   package_test.sh SOURCE_DIR BUILD_DIR
#
# Needs root (dpkg). Leaves the machine as it found it: both packages purged and, when the test
# created it, the dadns user removed (the package keeps it on purge, as Debian does) - even on
# failure. Refuses to run where dadns is already installed rather than replace it.
set -euo pipefail
src=$(cd "${1:?source dir}" && pwd)
build=$(cd "${2:?build dir}" && pwd)

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

[ "$(id -u)" -eq 0 ] || fail "the package test installs packages: run it as root"
for pkg in dadns dadns-dev; do
  if dpkg-query -W -f='${Status}' "$pkg" 2> /dev/null | grep -qv "not-installed"; then
    fail "$pkg is already installed (or its config is left) on this machine; the test would replace it"
  fi
done
user_existed=0
getent passwd dadns > /dev/null && user_existed=1
group_existed=0
getent group dadns > /dev/null && group_existed=1

work=$(mktemp -d /tmp/dadns-package-test.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2> /dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2> /dev/null || true; done
  dpkg --purge dadns-dev dadns > "$work/cleanup-purge.log" 2>&1 || { cat "$work/cleanup-purge.log" >&2; status=1; }
  if [ "$user_existed" -eq 0 ] && getent passwd dadns > /dev/null; then userdel dadns || status=1; fi
  if [ "$group_existed" -eq 0 ] && getent group dadns > /dev/null; then groupdel dadns || status=1; fi
  rm -rf "$work"
  [ $status -eq 0 ] && echo "ok: packages built, lintian clean of errors, installed, served, loaded a plugin, purged"
  exit $status
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Waits for /health on port, giving up when the daemon (pid) exits or after 60 s.
wait_health() {
  local port=$1 pid=$2 log=$3
  for _ in $(seq 1 120); do
    if curl -fsS "http://127.0.0.1:$port/health" > "$work/health.out" 2> /dev/null; then return 0; fi
    kill -0 "$pid" 2> /dev/null || { cat "$log" >&2; fail "the daemon exited before serving /health"; }
    sleep 0.5
  done
  cat "$log" >&2
  fail "no /health on port $port within 60 s"
}

# The daemon runs as dadns through setpriv, which execs it: the pid is the daemon's.
# Stops the daemon by pid (SIGTERM, as systemd does) and expects a clean exit.
stop_daemon() {
  local pid=$1 log=$2 status=0
  kill -TERM "$pid"
  wait "$pid" || status=$?
  pids=()
  [ $status -eq 0 ] || { cat "$log" >&2; fail "the daemon exited with $status on SIGTERM"; }
}

step "packages from the Release build"
"$src/scripts/package.sh" "$build" "$work/packages" > "$work/package.log" 2>&1 || { cat "$work/package.log" >&2; fail "make package"; }
deb=$(ls "$work"/packages/dadns_*.deb)
dev=$(ls "$work"/packages/dadns-dev_*_all.deb)
echo "$deb"
echo "$dev"

step "lintian"
lintian_status=0
lintian --pedantic --fail-on error "$deb" "$dev" > "$work/lintian.log" 2>&1 || lintian_status=$?
cat "$work/lintian.log"
if [ $lintian_status -ne 0 ] || grep -q '^E: ' "$work/lintian.log"; then fail "lintian reports errors (or did not run: $lintian_status)"; fi

step "dpkg -i dadns"
dpkg -i "$deb" > "$work/install.log" 2>&1 || { cat "$work/install.log" >&2; fail "dpkg -i $deb (its dependencies are Debian libraries the build already needs)"; }
getent passwd dadns > /dev/null || fail "no dadns user"
[ "$(stat -c '%U:%G %a' /var/lib/dadns)" = "dadns:dadns 750" ] || fail "/var/lib/dadns is $(stat -c '%U:%G %a' /var/lib/dadns)"
[ "$(stat -c '%U:%G %a' /var/lib/dadns/zones)" = "dadns:dadns 750" ] || fail "/var/lib/dadns/zones is $(stat -c '%U:%G %a' /var/lib/dadns/zones)"
if getent group bind > /dev/null; then id -nG dadns | tr ' ' '\n' | grep -qx bind || fail "dadns is not in group bind"; fi
conffiles=$(dpkg-query -W -f='${Conffiles}' dadns)
echo "$conffiles" | grep -q ' /etc/dadns/dadns.yml ' || fail "/etc/dadns/dadns.yml is not a conffile"
echo "$conffiles" | grep -q ' /etc/default/dadns ' || fail "/etc/default/dadns is not a conffile"
[ "$(stat -c '%U %a' /etc/default/dadns)" = "root 600" ] || fail "/etc/default/dadns is $(stat -c '%U %a' /etc/default/dadns)"
unit=/lib/systemd/system/dadns.service
[ -f "$unit" ] || fail "no $unit"
[ -L /etc/systemd/system/multi-user.target.wants/dadns.service ] || fail "dadns.service is not enabled"
if pgrep -u dadns -x dadns > /dev/null; then fail "the install started dadns"; fi

step "systemd-analyze verify"
systemd-analyze verify "$unit" > "$work/verify.log" 2>&1 || { cat "$work/verify.log" >&2; fail "systemd-analyze verify $unit"; }
cat "$work/verify.log"
grep -qx 'Type=notify' "$unit" || fail "the unit is not Type=notify"
grep -q '^WatchdogSec=' "$unit" || fail "the unit has no watchdog"

step "--check-config on the packaged config, as dadns"
runuser -u dadns -- /usr/bin/dadns --config /etc/dadns/dadns.yml --check-config || fail "--check-config /etc/dadns/dadns.yml"

step "the packaged daemon as dadns: READY=1, /health"
notify="$work/notify"
mkdir "$notify" && chmod 755 "$notify"
python3 - "$notify/socket" "$notify/received" <<'PY' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
s.settimeout(90)
try:
    message = s.recv(4096).decode()
except socket.timeout:
    message = ""
with open(sys.argv[2], "w") as f:
    f.write(message)
PY
listener=$!
for _ in $(seq 1 50); do [ -S "$notify/socket" ] && break; sleep 0.1; done
port=$(free_port)
DADNS_APP_LISTEN_PORT=$port NOTIFY_SOCKET="$notify/socket" \
  setpriv --reuid=dadns --regid=dadns --init-groups /usr/bin/dadns --config /etc/dadns/dadns.yml > "$work/daemon.log" 2>&1 &
pid=$!
pids=("$pid")
wait_health "$port" "$pid" "$work/daemon.log"
wait "$listener" || true
grep -q '^READY=1' "$notify/received" || fail "no READY=1 on NOTIFY_SOCKET (got: '$(cat "$notify/received")')"
pgrep -u dadns -x dadns > /dev/null || fail "the daemon does not run as dadns"
stop_daemon "$pid" "$work/daemon.log"

step "reinstall over an edited config"
echo "# edited by the operator" >> /etc/dadns/dadns.yml
dpkg -i "$deb" > "$work/reinstall.log" 2>&1 || { cat "$work/reinstall.log" >&2; fail "reinstall"; }
grep -qx '# edited by the operator' /etc/dadns/dadns.yml || fail "the reinstall replaced the edited config"

step "dpkg -i dadns-dev, the plugin template built out of tree against it, loaded by the installed daemon"
dpkg -i "$dev" > "$work/install-dev.log" 2>&1 || { cat "$work/install-dev.log" >&2; fail "dpkg -i $dev"; }
cp -r /usr/share/doc/dadns-dev/examples/plugin-template "$work/template"
cmake -S "$work/template" -B "$work/template-build" -DCMAKE_BUILD_TYPE=Release > "$work/template.log" 2>&1 &&
  cmake --build "$work/template-build" >> "$work/template.log" 2>&1 || { cat "$work/template.log" >&2; fail "the plugin template does not build against dadns-dev"; }
mkdir "$work/plugins" && chmod 755 "$work/plugins"
cp "$work/template-build/json_files.so" "$work/plugins/"
port=$(free_port)
cat > "$work/plugin.yml" <<YML
queue_location: /var/lib/dadns/plugin-test
app:
  auth_username: admin
  auth_password: package-test
  listen_address: 127.0.0.1
  listen_port: $port
plugins:
  extra_paths: [$work/plugins/json_files.so]
dns:
  default_backend: files
  backends:
    files:
      type: json_files
      enabled: true
      dir: /var/lib/dadns/json
YML
chmod 644 "$work/plugin.yml"
runuser -u dadns -- /usr/bin/dadns --config "$work/plugin.yml" --check-config || fail "--check-config with the template plugin"
setpriv --reuid=dadns --regid=dadns --init-groups /usr/bin/dadns --config "$work/plugin.yml" > "$work/plugin-daemon.log" 2>&1 &
pid=$!
pids=("$pid")
wait_health "$port" "$pid" "$work/plugin-daemon.log"
curl -fsS -u admin:package-test "http://127.0.0.1:$port/api/v1/plugins" | grep -q '"json_files"' || fail "the daemon does not list json_files"
curl -fsS -u admin:package-test -X PUT --data-binary @- "http://127.0.0.1:$port/api/v1/zones/example.com?wait=10" > "$work/put.json" <<'ZONE' || fail "PUT example.com"
$TTL 300
@    IN SOA ns1.example.com. hostmaster.example.com. 1 3600 600 86400 300
@    IN NS  ns1.example.com.
ns1  IN A   192.0.2.1
ZONE
grep -q '"result":"applied"' "$work/put.json" || fail "the template backend did not apply the zone: $(cat "$work/put.json")"
ls /var/lib/dadns/json/example.com* > /dev/null 2>&1 || fail "no zone file written by the template plugin"
stop_daemon "$pid" "$work/plugin-daemon.log"

step "dpkg --remove keeps the operator's data"
files=$( (dpkg -L dadns; dpkg -L dadns-dev) | sort -u)
dpkg --remove dadns-dev dadns > "$work/remove.log" 2>&1 || { cat "$work/remove.log" >&2; fail "dpkg --remove"; }
[ ! -e /usr/bin/dadns ] || fail "/usr/bin/dadns left after remove"
grep -qx '# edited by the operator' /etc/dadns/dadns.yml || fail "remove took the config"
[ -d /var/lib/dadns/zones ] && [ -e /var/lib/dadns/json/example.com.json ] || fail "remove took the state"

step "dpkg --purge leaves nothing of the packages"
dpkg --purge dadns-dev dadns > "$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "dpkg --purge"; }
left=()
while IFS= read -r path; do
  [ -n "$path" ] && [ "$path" != "/." ] || continue
  # A directory the packages share with the system (/usr, /etc; /lib, a symlink on a merged
  # /usr) stays; any other path of theirs must be gone.
  if [ -d "$path" ] && { [ -L "$path" ] || dpkg -S "$path" > /dev/null 2>&1; }; then continue; fi
  if [ -e "$path" ] || [ -L "$path" ]; then left+=("$path"); fi
done <<< "$files"
for path in /etc/dadns /etc/default/dadns /var/lib/dadns /usr/lib/dadns /usr/include/dadns /usr/lib/cmake/dadns-sdk \
            /etc/systemd/system/multi-user.target.wants/dadns.service /var/lib/systemd/deb-systemd-helper-enabled/dadns.service.dsh-also; do
  [ ! -e "$path" ] && [ ! -L "$path" ] || left+=("$path")
done
[ ${#left[@]} -eq 0 ] || fail "left after purge: ${left[*]}"
