# Shell functions the load benchmarks share (sourced by bench/cart.sh, checkout.sh and edge.sh;
# not run on its own). Each benchmark keeps its own knobs, setup and table.

# Installs wrk (the Debian package) when it is missing.
ensure_wrk() {
  command -v wrk >/dev/null && return 0
  as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get install -y -q wrk >/dev/null || { as_root apt-get update -q && as_root apt-get install -y -q wrk; }
}

# A TCP port free on 127.0.0.1 right now.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# Waits up to 30 s for `url` to answer 2xx; on failure (or when `pid` dies) prints `log` and exits.
wait_for() { # url pid log
  for _ in $(seq 1 300); do
    curl -sf -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || break
    sleep 0.1
  done
  echo "server did not come up at $1:" >&2; cat "$3" >&2; exit 1
}

# Stops a server this script started, and waits for it to go.
stop_server() { # pid
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# "<commit>" or "<commit>+changes": what a results file measured.
measured_commit() { echo "$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo +changes)"; }
