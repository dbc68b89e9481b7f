# Sourced by the server scripts: stop_pid PID [SIGNAL] sends SIGNAL (default TERM) and waits up
# to 30 s for the process to exit, then kills it. A zombie has exited: a server that detached
# from its starter waits for init to reap it, which may take a while.
stop_pid() {
  local pid=$1 signal=${2:-TERM}
  kill "-$signal" "$pid" 2> /dev/null || return 0
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2> /dev/null || return 0
    [[ $(ps -o stat= -p "$pid" 2> /dev/null) == Z* ]] && return 0
    sleep 0.1
  done
  kill -9 "$pid" 2> /dev/null || true
}
