#!/usr/bin/env bash
# Starts or stops a Docker Engine (dockerd) for tests, everything of it under one directory.
#
#   docker.sh start DIR    starts dockerd on DIR/docker.sock, waits until /_ping answers and
#                          imports the image dadns-probe:1 (busybox-static) when it is missing
#   docker.sh stop DIR     removes its containers and networks, stops dockerd by the pid in
#                          DIR/docker.pid and leaves nothing running, mounted or bridged
#   docker.sh kill DIR     SIGKILL to dockerd (its containerd dies with it; the containers'
#                          processes live on until the next start, which stops them)
#   docker.sh restart DIR  stops dockerd (when it runs) leaving its containers, and starts it
#                          again on the same data root: containers that ran come back stopped
#   docker.sh cli DIR ARGS the docker client for this engine
#
# The engine touches no firewall rule, no system socket and no default bridge:
# --iptables/--ip6tables/--ip-masq/--ip-forward=false, --bridge=none, its own --data-root,
# --exec-root, socket, pidfile, daemon config and containerd namespace. dockerd starts its own
# containerd on DIR/exec/containerd/containerd.sock (only when /run/containerd/containerd.sock
# exists does it use that system containerd instead; the namespace keeps them apart). Its
# identity key is DIR/key.json, not /etc/docker/key.json. Shared with other dockerds, and left
# behind: the empty directories /run/docker/plugins and /run/containerd/s (shim sockets there are
# named by a hash of the containerd address and container, so they do not collide). Several of
# these engines run side by side.
#
# Containers of user-defined networks (docker network create --subnet ...) get addresses on a
# bridge of their own; tests read the addresses and send nothing to them.
set -euo pipefail
. "$(dirname "$0")/stop-pid.sh"

usage="usage: docker.sh start DIR | stop DIR | kill DIR | restart DIR | cli DIR ARGS..."
cmd=${1:?$usage}
dir=${2:?$usage}
shift 2
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
sock=$dir/docker.sock
pidfile=$dir/docker.pid
image=dadns-probe:1
containerd_sock=$dir/exec/containerd/containerd.sock
namespace="dadns-test-$(basename "$dir" | tr -c 'a-zA-Z0-9\n' '-')"

# The containerd socket is the longest Unix socket path under DIR.
if [ $((${#dir} + 34)) -gt 107 ]; then
  echo "docker.sh: $dir is too long for the Unix sockets under it (at most 73 characters)" >&2
  exit 2
fi

cli() { /usr/bin/docker --config "$dir/cli" -H "unix://$sock" "$@"; }

# Whether pid is a live process (a zombie is not: nothing may have reaped it yet).
alive() {
  local state
  state=$(ps -o stat= -p "$1" 2> /dev/null) || return 1
  [[ $state != Z* ]]
}

pinged() { curl -sf --max-time 2 --unix-socket "$sock" http://localhost/_ping > /dev/null 2>&1; }

daemon_pid() { [ -f "$pidfile" ] && cat "$pidfile" 2> /dev/null || true; }

start_daemon() {
  local pid
  pid=$(daemon_pid)
  if [ -n "$pid" ] && alive "$pid"; then
    echo "dockerd already runs for $dir (pid $pid)" >&2
    return 1
  fi
  rm -f "$pidfile" # a killed dockerd's: dockerd refuses to start while its pid is in use
  # Likewise its containerd's (which dies with it): dockerd would wait for a containerd whose
  # pid is still a zombie instead of starting its own.
  local cpid
  cpid=$(cat "$dir/exec/containerd/containerd.pid" 2> /dev/null || true)
  if [ -n "$cpid" ] && ! alive "$cpid"; then
    rm -f "$dir/exec/containerd/containerd.pid"
  fi
  # Its own daemon configuration, and its identity key under DIR instead of /etc/docker/key.json.
  [ -e "$dir/daemon.json" ] || printf '{"deprecated-key-path": "%s/key.json"}\n' "$dir" > "$dir/daemon.json"
  setsid dockerd --config-file "$dir/daemon.json" \
    --iptables=false --ip6tables=false --ip-masq=false --ip-forward=false --bridge=none \
    --data-root "$dir/data" --exec-root "$dir/exec" -H "unix://$sock" --pidfile "$pidfile" \
    --containerd-namespace "$namespace" --containerd-plugins-namespace "$namespace-plugins" \
    >> "$dir/dockerd.log" 2>&1 < /dev/null &
  local launched=$!
  for _ in $(seq 1 300); do
    if pinged; then
      return 0
    fi
    if ! alive "$launched"; then
      break
    fi
    sleep 0.1
  done
  echo "dockerd did not start; the end of its log:" >&2
  tail -n 30 "$dir/dockerd.log" >&2 || true
  return 1
}

import_image() {
  cli image inspect "$image" > /dev/null 2>&1 && return 0
  local rootfs=$dir/rootfs
  rm -rf "$rootfs"
  mkdir -p "$rootfs/bin"
  cp /bin/busybox "$rootfs/bin/busybox"
  ln -s busybox "$rootfs/bin/sh"
  tar -C "$rootfs" -c . | cli import - "$image" > /dev/null
  rm -rf "$rootfs"
}

# What may outlive a dockerd that could not be stopped cleanly: container processes (found by
# the ids under its data root in their cgroup), shims of its containerd and their sockets,
# mounts under DIR and the bridges of the networks recorded in DIR/networks.
sweep() {
  local ids=() pid
  if [ -d "$dir/data/containers" ]; then
    mapfile -t ids < <(ls "$dir/data/containers")
  fi
  for proc in /proc/[0-9]*; do
    pid=${proc#/proc/}
    [ "$pid" = "$$" ] && continue
    if grep -qsF -- "$containerd_sock" "$proc/cmdline" 2> /dev/null; then
      kill -9 "$pid" 2> /dev/null || true
      continue
    fi
    for id in "${ids[@]}"; do
      if [ ${#id} -eq 64 ] && grep -qsF -- "$id" "$proc/cgroup" 2> /dev/null; then
        kill -9 "$pid" 2> /dev/null || true
        break
      fi
    done
  done
  # A killed shim leaves its socket, /run/containerd/s/<sha256 of address/namespace/id>.
  for id in "${ids[@]}"; do
    rm -f "/run/containerd/s/$(printf '%s' "$containerd_sock/$namespace/$id" | sha256sum | cut -d' ' -f1)"
  done
  if [ -f "$dir/networks" ]; then
    while read -r id; do
      [ -n "$id" ] && ip link delete "br-${id:0:12}" > /dev/null 2>&1 || true
    done < "$dir/networks"
  fi
  # Deepest first; mountinfo's 5th field is the mount point.
  awk -v d="$dir/" 'index($5, d) == 1 { print $5 }' /proc/self/mountinfo | sort -r | while read -r m; do
    umount -l "$m" 2> /dev/null || true
  done
}

case "$cmd" in
start)
  start_daemon
  import_image
  echo "dockerd running on $sock (pid $(daemon_pid))"
  ;;
stop)
  pid=$(daemon_pid)
  [ -n "$pid" ] || { sweep; exit 0; }
  if ! alive "$pid"; then
    # Killed: started again, dockerd stops what its containers left running and cleans up
    # after their shims; then it is stopped like any other.
    start_daemon > /dev/null 2>&1 || true
    pid=$(daemon_pid)
  fi
  if [ -n "$pid" ] && pinged; then
    mapfile -t containers < <(cli ps -aq 2> /dev/null)
    [ ${#containers[@]} -eq 0 ] || cli rm -f "${containers[@]}" > /dev/null 2>&1 || true
    mapfile -t networks < <(cli network ls -q --filter type=custom 2> /dev/null)
    [ ${#networks[@]} -eq 0 ] || cli network rm "${networks[@]}" > /dev/null 2>&1 || true
  fi
  [ -z "$pid" ] || stop_pid "$pid"
  sweep
  rm -f "$pidfile"
  ;;
restart)
  pid=$(daemon_pid)
  if [ -n "$pid" ] && alive "$pid"; then
    stop_pid "$pid"
  fi
  start_daemon
  import_image
  echo "dockerd running on $sock (pid $(daemon_pid))"
  ;;
kill)
  pid=$(daemon_pid)
  [ -n "$pid" ] || exit 0
  kill -9 "$pid" 2> /dev/null || true
  for _ in $(seq 1 100); do
    alive "$pid" || break
    sleep 0.05
  done
  ;;
cli)
  cli "$@"
  ;;
*)
  echo "$usage" >&2
  exit 2
  ;;
esac
