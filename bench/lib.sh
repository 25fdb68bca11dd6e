# Shell functions the load benchmarks share (sourced by bench/cart.sh, checkout.sh and edge.sh;
# not run on its own). Each benchmark keeps its own knobs, setup and table.

# Installs Debian packages (as root, or through sudo), updating the package lists only if needed.
apt_install() { # package...
  local as_root=()
  [[ $(id -u) == 0 ]] || as_root=(sudo)
  "${as_root[@]}" apt-get install -y -q "$@" >/dev/null ||
    { "${as_root[@]}" apt-get update -q && "${as_root[@]}" apt-get install -y -q "$@"; }
}

# Installs wrk (the Debian package) when it is missing.
ensure_wrk() { command -v wrk >/dev/null || apt_install wrk; }

# Builds the release binaries (in the target directory .ci/run uses, unless CARGO_TARGET_DIR
# names another) and names this run: BIN (the binaries' directory), RUN_ID, DB (a database
# name), DOMAIN (a store's), TMP (a fresh directory) and SERVERS (the pids to stop on exit).
prepare_run() {
  ensure_wrk
  export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vitrine-target}"
  cargo build --release --quiet -p vitrine -p vitrine-bench-baseline
  BIN="$CARGO_TARGET_DIR/release"
  RUN_ID="$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
  DB="vitrine_bench_$RUN_ID"
  DOMAIN="bench-$RUN_ID.test"
  TMP="$(mktemp -d)"
  SERVERS=()
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
