#!/usr/bin/env bash
# Starts a throwaway Vitrine server (embedded SQLite), creates two stores, and runs the real
# Shopify clients against it: storefront-client-check.mjs (@shopify/storefront-api-client) and
# hydrogen-cart-check.mjs (hydrogen-react's cart documents).
#
#   VITRINE_BIN=target/debug/vitrine tests/clients/run.sh
#
# Set KEEP_DATA=1 to keep the temporary data directory (and server log) for inspection.
set -euo pipefail

: "${VITRINE_BIN:?set VITRINE_BIN to the path of a built vitrine binary}"
VITRINE_BIN="$(cd "$(dirname "$VITRINE_BIN")" && pwd)/$(basename "$VITRINE_BIN")"
[[ -x "$VITRINE_BIN" ]] || { echo "not executable: $VITRINE_BIN" >&2; exit 1; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
TMP="$(mktemp -d "${TMPDIR:-/tmp}/vitrine-client-check.XXXXXX")"
LOG="$TMP/server.log"
SERVER_PID=""

cleanup() {
  local status=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ $status -ne 0 && -f "$LOG" ]]; then
    echo "--- last server log lines ($LOG) ---" >&2
    tail -n 40 "$LOG" >&2 || true
  fi
  if [[ "${KEEP_DATA:-0}" == 1 ]]; then
    echo "kept $TMP" >&2
  else
    rm -rf "$TMP"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
URL="http://127.0.0.1:$PORT"

"$VITRINE_BIN" serve --listen "127.0.0.1:$PORT" --data-dir "$TMP" >"$LOG" 2>&1 &
SERVER_PID=$!

for _ in $(seq 1 60); do
  if curl -sf "$URL/healthz" >/dev/null; then break; fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "vitrine exited before becoming healthy" >&2
    exit 1
  fi
  sleep 0.5
done
curl -sf "$URL/healthz" >/dev/null || { echo "vitrine not healthy at $URL/healthz after 30 s" >&2; exit 1; }

# Prints the value of field $2 from the JSON object $1.
json_field() {
  node -e 'const o = JSON.parse(process.argv[1]); const v = o[process.argv[2]];
           if (v === undefined || v === null || v === "") { console.error(`no ${process.argv[2]} in ${process.argv[1]}`); process.exit(1); }
           console.log(v)' "$1" "$2"
}

FIRST_DOMAIN="first-$RANDOM.example.test"
SECOND_DOMAIN="second-$RANDOM.example.test"
FIRST="$("$VITRINE_BIN" store create --name "Client Check" --domain "$FIRST_DOMAIN" --json --data-dir "$TMP")"
SECOND="$("$VITRINE_BIN" store create --name "Client Check Other" --domain "$SECOND_DOMAIN" --json --data-dir "$TMP")"

cd "$HERE"
if [[ ! -d node_modules ]]; then
  npm ci --silent
fi

# Extracted first so that a missing field stops the script (set -e ignores failures of
# command substitutions used as prefix assignments of a command).
STORE_DOMAIN="$(json_field "$FIRST" domain)"
STOREFRONT_TOKEN="$(json_field "$FIRST" storefront_token)"
ADMIN_TOKEN="$(json_field "$FIRST" admin_token)"
OTHER_STOREFRONT_TOKEN="$(json_field "$SECOND" storefront_token)"

VITRINE_URL="$URL" STORE_DOMAIN="$STORE_DOMAIN" STOREFRONT_TOKEN="$STOREFRONT_TOKEN" \
ADMIN_TOKEN="$ADMIN_TOKEN" OTHER_STOREFRONT_TOKEN="$OTHER_STOREFRONT_TOKEN" \
  node storefront-client-check.mjs

VITRINE_URL="$URL" STORE_DOMAIN="$STORE_DOMAIN" STOREFRONT_TOKEN="$STOREFRONT_TOKEN" \
ADMIN_TOKEN="$ADMIN_TOKEN" \
  node hydrogen-cart-check.mjs
