#!/usr/bin/env bash
# How fast the server refuses documents over its limits, against answering a trivial query in the
# same run (the baseline). Release build, embedded default, loopback only; each figure is the
# median of RUNS requests timed by curl (`time_total`: connect to last byte).
#
#   bench/limits.sh            # RUNS=30 by default
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-30}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/vitrine-target}"
cargo build --release --quiet
BIN="$CARGO_TARGET_DIR/release/vitrine"
TMP="$(mktemp -d)"
trap 'kill "$SERVER" 2>/dev/null || true; rm -rf "$TMP"' EXIT
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$TMP/data" >"$TMP/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do grep -q "Access-Token): " "$TMP/server.log" 2>/dev/null && break; sleep 0.1; done
TOKEN="$(grep -o 'Access-Token): .*' "$TMP/server.log" | cut -d' ' -f2)"
URL="http://127.0.0.1:$PORT/api/2025-01/graphql.json"

python3 - "$TMP" <<'PY'
import json, sys
out = sys.argv[1]
page = "products(first: 250) { nodes { variants(first: 100) { nodes { id title } } } }"
bodies = {
    "baseline: { shop { name } }": "{ shop { name } }",
    "10,000 aliases of shop { name }": "{" + "".join(f" a{n}: shop {{ name }}" for n in range(10_000)) + " }",
    "200 aliases of products(250) x variants(100)": "{" + "".join(f" a{n}: {page}" for n in range(200)) + " }",
    "40 aliases over the cost limit": "{" + "".join(f" a{n}: {page}" for n in range(40)) + " }",
    "2^40 fields through fragments": "{ ...F0 }" + "".join(f" fragment F{n} on QueryRoot {{ ...F{n+1} ...F{n+1} }}" for n in range(40)) + " fragment F40 on QueryRoot { shop { name } }",
    "5 MB body": "#" * (5 * 1024 * 1024) + "\n{ shop { name } }",
}
with open(f"{out}/names", "w") as names:
    for i, (name, query) in enumerate(bodies.items()):
        with open(f"{out}/body{i}.json", "w") as f:
            json.dump({"query": query}, f)
        names.write(f"{i}\t{name}\n")
PY

median() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
baseline=""
printf '%-48s %10s %8s  %s\n' "request" "median ms" "ratio" "answer"
while IFS=$'\t' read -r i name; do
  times="$(for _ in $(seq 1 "$RUNS"); do
    curl -s -o "$TMP/answer" -w '%{time_total}\n' -H 'Content-Type: application/json' \
      -H "X-Shopify-Storefront-Access-Token: $TOKEN" --data-binary "@$TMP/body$i.json" "$URL"
  done)"
  ms="$(echo "$times" | median | awk '{ printf "%.2f", $1 * 1000 }')"
  [[ -z "$baseline" ]] && baseline="$ms"
  answer="$(head -c 110 "$TMP/answer")"
  printf '%-48s %10s %8s  %s\n' "$name" "$ms" "$(awk -v a="$ms" -v b="$baseline" 'BEGIN { printf "%.1fx", a / b }')" "$answer"
done <"$TMP/names"
