#!/usr/bin/env bash
# Add-to-cart throughput on PostgreSQL, beside the same run's baseline. Each operation is
# Shopify's `cartLinesAdd` of one unit, cart ids round-robin over pre-created carts so concurrent
# requests rarely share a cart, in two scenarios:
#   (a) many variants: a random one of 50 products x 10 variants, 1,000,000 units each;
#   (b) one hot variant stocked 1,000,000,000: every request reserves from the same stock row.
# The baseline is bench/baseline, a plain axum server answering a fixed JSON body, driven by the
# same wrk script, threads and connections. Each figure is one wrk run after a discarded warm-up;
# p50/p99 are wrk's latencies. Load generator, server, PostgreSQL and Redis share this machine.
# Any failed answer (not 200, "errors", a non-empty userErrors or warnings) is counted, shown and
# makes the script exit 1. The table is also written to bench/results/cart-<date>.txt (not
# ignored by git: commit the runs worth keeping, so figures and the commit they measured stay together).
#
#   bench/cart.sh                     # release build, fresh database (dropped on exit), ~2 min
#
# Knobs (environment): BENCH_THREADS (2), BENCH_CONNECTIONS (64), BENCH_DURATION (20s),
# BENCH_WARMUP (3s), BENCH_CARTS (1000 per scenario), BENCH_PRODUCTS (50),
# BENCH_VARIANTS_PER_PRODUCT (10), BENCH_OP (the GraphQL document; one that does not use
# $cartId, such as '{ products(first: 5) { nodes { id } } }', runs the harness without carts),
# PGHOST/PGPORT/PGUSER (127.0.0.1, 5432, postgres), REDIS_URL (redis://127.0.0.1:6379);
# VITRINE_DATABASE_MAX_CONNECTIONS and the like pass through to the server.
# Needs wrk; installs the Debian package when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
DURATION=${BENCH_DURATION:-20s}
WARMUP=${BENCH_WARMUP:-3s}
CARTS=${BENCH_CARTS:-1000}
PRODUCTS=${BENCH_PRODUCTS:-50}
VARIANTS_PER_PRODUCT=${BENCH_VARIANTS_PER_PRODUCT:-10}
OP=${BENCH_OP:-'mutation($cartId: ID!, $lines: [CartLineInput!]!) { cartLinesAdd(cartId: $cartId, lines: $lines) { cart { id totalQuantity } userErrors { code } warnings { code } } }'}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}

prepare_run
cleanup() {
  for pid in "${SERVERS[@]}"; do stop_server "$pid"; done
  dropdb --if-exists --force "$DB" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

createdb "$DB"
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB" VITRINE_DATA_DIR="$TMP/data" VITRINE_LOG=warn
VITRINE_PORT="$(free_port)"
VITRINE_LISTEN="127.0.0.1:$VITRINE_PORT" "$BIN/vitrine" serve >"$TMP/vitrine.log" 2>&1 &
SERVERS+=($!)
wait_for "http://127.0.0.1:$VITRINE_PORT/readyz" "${SERVERS[-1]}" "$TMP/vitrine.log"
BASELINE_PORT="$(free_port)"
"$BIN/baseline" "127.0.0.1:$BASELINE_PORT" >"$TMP/baseline.log" 2>&1 &
SERVERS+=($!)
wait_for "http://127.0.0.1:$BASELINE_PORT/" "${SERVERS[-1]}" "$TMP/baseline.log"
"$BIN/vitrine" store create --name Bench --domain "$DOMAIN" --json >"$TMP/store.json"

# Products through the admin API, carts through the storefront API; one wrk data file per
# scenario (each its own fresh carts).
python3 - "$TMP" "http://127.0.0.1:$VITRINE_PORT/api/2025-01/graphql.json" "$DOMAIN" \
  "$PRODUCTS" "$VARIANTS_PER_PRODUCT" "$CARTS" "$OP" <<'PY'
import json, sys, urllib.request
tmp, url, domain, products, per_product, carts, op = sys.argv[1:]
store = json.load(open(f"{tmp}/store.json"))

def graphql(header, token, query, variables=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(url, body, {"Content-Type": "application/json", "Host": domain, header: token})
    answer = json.load(urllib.request.urlopen(request))
    if answer.get("errors"):
        sys.exit(f"setup failed: {query[:60]}: {answer['errors']}")
    return answer["data"]

def product(title, variants):
    data = graphql("X-Shopify-Access-Token", store["admin_token"],
        "mutation($input: ProductInput!) { productCreate(input: $input) {"
        " product { variants(first: 100) { nodes { id } } } userErrors { field message code } } }",
        {"input": {"title": title, "options": ["Size"], "variants": variants}})["productCreate"]
    if data["userErrors"]:
        sys.exit(f"productCreate refused: {data['userErrors']}")
    return [v["id"] for v in data["product"]["variants"]["nodes"]]

def variant(sku, stock):
    return {"sku": sku, "price": "10.00", "options": [sku], "inventoryQuantity": stock}

many = [id for p in range(int(products)) for id in
        product(f"Bench Tee {p}", [variant(f"B{p}-{v}", 1_000_000) for v in range(int(per_product))])]
hot = product("Hot Tee", [variant("HOT", 1_000_000_000)])[0]

def cart_ids(scenario):
    if "$cartId" not in op:  # a stand-in operation: the harness runs without carts
        return [f"gid://shopify/Cart/{scenario}-{n}" for n in range(int(carts))]
    return [graphql("X-Shopify-Storefront-Access-Token", store["storefront_token"],
                    "mutation { cartCreate(input: {}) { cart { id } } }")["cartCreate"]["cart"]["id"]
            for _ in range(int(carts))]

def lua(values):
    return "{" + ",".join(json.dumps(v) for v in values) + "}"

for scenario, hot_id in (("a", None), ("b", hot)):
    with open(f"{tmp}/{scenario}.lua", "w") as f:
        f.write(f'return {{ path = "/api/2025-01/graphql.json", host = {json.dumps(domain)},'
                f' token = {json.dumps(store["storefront_token"])}, query = [==[{json.dumps(op)}]==],'
                f' carts = {lua(cart_ids(scenario))}, variants = {lua(many)},'
                f' hot = {json.dumps(hot_id) if hot_id else "nil"} }}\n')
PY

# One measured wrk run after a discarded warm-up; prints wrk's BENCH line:
# requests, requests/s, p50 ms, p99 ms, failures, first failure.
measure() { # url data-file
  local wrk=(wrk -t"$THREADS" -c"$CONNECTIONS" -s bench/cart.lua)
  BENCH_DATA="$2" BENCH_THREADS="$THREADS" "${wrk[@]}" -d"$WARMUP" "$1" >/dev/null
  BENCH_DATA="$2" BENCH_THREADS="$THREADS" "${wrk[@]}" -d"$DURATION" --latency "$1" >"$TMP/wrk.out"
  grep '^BENCH' "$TMP/wrk.out" | cut -f2- || { cat "$TMP/wrk.out" >&2; exit 1; }
}
VITRINE_URL="http://127.0.0.1:$VITRINE_PORT/api/2025-01/graphql.json"
BASELINE_RUN="$(measure "http://127.0.0.1:$BASELINE_PORT/api/2025-01/graphql.json" "$TMP/a.lua")"
MANY_RUN="$(measure "$VITRINE_URL" "$TMP/a.lua")"
HOT_RUN="$(measure "$VITRINE_URL" "$TMP/b.lua")"

mkdir -p bench/results
RESULTS="bench/results/cart-$(date +%Y-%m-%d-%H%M%S).txt"
{
  echo "bench/cart.sh, $(date -u +%FT%TZ), $(measured_commit)," \
    "$(nproc) cores, PostgreSQL $(psql -Atc 'show server_version' postgres | cut -d' ' -f1)"
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION (after $WARMUP warm-up); $CARTS carts per scenario;" \
    "(a) $((PRODUCTS * VARIANTS_PER_PRODUCT)) variants, (b) one"
  [[ "$OP" == *'$cartId'* ]] || echo "STAND-IN OPERATION (not add-to-cart): $OP"
  echo
  printf '%s\n' "baseline (plain axum)	$BASELINE_RUN" "(a) many variants	$MANY_RUN" "(b) one hot variant	$HOT_RUN" |
    awk -F'\t' -v cartop="$([[ "$OP" == *'$cartId'* ]] && echo 1)" '
      BEGIN { printf "%-22s %10s %9s %9s %7s %12s\n", "scenario", "requests/s", "p50 ms", "p99 ms", "errors", "of baseline" }
      { name[NR] = $1; rps[NR] = $3; p50[NR] = $4; p99[NR] = $5; err[NR] = $6; first[NR] = $7
        printf "%-22s %10.0f %9.2f %9.2f %7d %11.1f%%\n", $1, $3, $4, $5, $6, 100 * $3 / rps[1] }
      END {
        printf "\n(b)/(a): %.2f\n", rps[3] / rps[2]
        if (cartop) {
          printf "target (a) >= 1,000/s: %s\n", rps[2] >= 1000 ? "met" : "MISSED"
          printf "target (b) >= half of (a): %s\n", rps[3] >= rps[2] / 2 ? "met" : "MISSED"
        }
        for (i = 1; i <= NR; i++) if (err[i] > 0) printf "FAILED: %s: %d failed answers; first: %s\n", name[i], err[i], first[i]
      }'
} | tee "$RESULTS"
echo "(written to $RESULTS)"
! grep -q '^FAILED' "$RESULTS"
