#!/usr/bin/env bash
# Checkout throughput on PostgreSQL, beside the same run's baseline. Each operation is
# `cartComplete` of a cart holding one unit, paid with `tok_visa` on the built-in test gateway
# (the default when no STRIPE_SECRET_KEY is set; it is unset here), under the store's default
# settings, so every checkout also captures at once. A checkout consumes its cart, so the carts
# are made before the timed run: BENCH_CARTS_PER_SECOND per second of warm-up and of run, each
# holding one unit of a variant dealt round-robin over 50 products x 10 variants stocked
# 1,000,000 each, so concurrent checkouts touch different stock rows (uncontended). Every request
# gets its own cart and a fresh idempotency key (bench/checkout.lua).
# The baseline is bench/baseline answering a fixed cartComplete-shaped body, driven by the same
# wrk script, threads and connections. Each figure is one wrk run after a discarded warm-up;
# p50/p99 are wrk's latencies. SQL statements per checkout are the growth of
# vitrine_sql_statements_total (/metrics) over the timed run divided by its completed checkouts
# (the checkouts still running when wrk stops, at most one per connection, count slightly
# against it), and, exactly, over PROBES checkouts made one at a time after the run; the
# background workers are kept out by ticks of an hour (VITRINE_COMPLETER_TICK_SECONDS,
# VITRINE_HOLD_SWEEP_SECONDS). After the warm-up, which leaves orders and payments behind, the
# database is vacuumed and analyzed, as autovacuum would have done on a live database; without it
# (autovacuum off, as on the development machine, or BENCH_ANALYZE=0) the plans made while the
# tables were empty stay, scanning every open cart, order or payment of the store per statement,
# and checkouts slow down as orders accumulate. Load generator, server, PostgreSQL and Redis
# share this machine; the load average at the start is recorded, since anything else running
# depresses the figures. Any failed answer (not 200, "errors", no order or a non-empty userErrors), and running
# out of carts, is counted, shown and makes the script exit 1. The table is also written to
# bench/results/checkout-<date>.txt (commit the runs worth keeping).
#
#   bench/checkout.sh                 # release build, fresh database (dropped on exit), ~2 min
#
# Knobs (environment): BENCH_THREADS (2), BENCH_CONNECTIONS (64), BENCH_DURATION (15s),
# BENCH_WARMUP (3s), BENCH_CARTS_PER_SECOND (1000: the fastest rate the carts suffice for),
# BENCH_PROBES (20), BENCH_ANALYZE (1), BENCH_PRODUCTS (50), BENCH_VARIANTS_PER_PRODUCT (10), BENCH_OP (the GraphQL document; it gets
# $cartId, $idempotencyKey and $input), PGHOST/PGPORT/PGUSER (127.0.0.1, 5432, postgres),
# REDIS_URL (redis://127.0.0.1:6379); VITRINE_DATABASE_MAX_CONNECTIONS and the like pass through
# to the server. Needs wrk; installs the Debian package when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-3s}
CARTS_PER_SECOND=${BENCH_CARTS_PER_SECOND:-1000}
PROBES=${BENCH_PROBES:-20}
ANALYZE=${BENCH_ANALYZE:-1}
PRODUCTS=${BENCH_PRODUCTS:-50}
VARIANTS_PER_PRODUCT=${BENCH_VARIANTS_PER_PRODUCT:-10}
# The order's id, name and total rather than the whole order: the benchmark measures checking
# out, not rendering an order (schema/operations/storefront/checkout.graphql has the full read).
OP=${BENCH_OP:-'mutation($cartId: ID!, $idempotencyKey: String!, $input: CartCompleteInput!) { cartComplete(cartId: $cartId, idempotencyKey: $idempotencyKey, input: $input) { order { id name totalPrice { amount currencyCode } } orderAccessToken userErrors { field message code } } }'}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379}
export VITRINE_COMPLETER_TICK_SECONDS=${VITRINE_COMPLETER_TICK_SECONDS:-3600}
export VITRINE_HOLD_SWEEP_SECONDS=${VITRINE_HOLD_SWEEP_SECONDS:-3600}
unset STRIPE_SECRET_KEY
seconds() { case "$1" in *m) echo $((${1%m} * 60)) ;; *s) echo "${1%s}" ;; *) echo "$1" ;; esac; }
WARMUP_CARTS=$(($(seconds "$WARMUP") * CARTS_PER_SECOND))
RUN_CARTS=$(($(seconds "$DURATION") * CARTS_PER_SECOND))
LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"

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
"$BIN/baseline" "127.0.0.1:$BASELINE_PORT" checkout >"$TMP/baseline.log" 2>&1 &
SERVERS+=($!)
wait_for "http://127.0.0.1:$BASELINE_PORT/" "${SERVERS[-1]}" "$TMP/baseline.log"
"$BIN/vitrine" store create --name Bench --domain "$DOMAIN" --json >"$TMP/store.json"

# Products through the admin API, carts (each with its one unit) through the storefront API, 16
# at a time; cart n holds variant n mod V, so the carts wrk's threads take side by side hold
# different variants. One wrk data file per pool (warm-up, run) and one for the baseline, which
# consumes nothing and cycles through the run's carts; the probe's carts and the request body
# go to probe.json.
echo "making $((PRODUCTS * VARIANTS_PER_PRODUCT)) variants and $((WARMUP_CARTS + RUN_CARTS + PROBES)) carts..." >&2
python3 - "$TMP" "127.0.0.1:$VITRINE_PORT" "$DOMAIN" "$PRODUCTS" "$VARIANTS_PER_PRODUCT" \
  "$WARMUP_CARTS" "$RUN_CARTS" "$PROBES" "$OP" "$RUN_ID" <<'PY'
import http.client, json, sys, threading
from concurrent.futures import ThreadPoolExecutor
tmp, address, domain, products, per_product, warmup_carts, run_carts, probes, op, run_id = sys.argv[1:]
path = "/api/2025-01/graphql.json"
store = json.load(open(f"{tmp}/store.json"))
local = threading.local()

def graphql(header, token, query, variables=None):
    if not hasattr(local, "connection"):
        local.connection = http.client.HTTPConnection(address)
    body = json.dumps({"query": query, "variables": variables or {}})
    local.connection.request("POST", path, body,
                             {"Content-Type": "application/json", "Host": domain, header: token})
    answer = json.load(local.connection.getresponse())
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

variants = [id for p in range(int(products)) for id in
            product(f"Bench Tee {p}", [variant(f"B{p}-{v}", 1_000_000) for v in range(int(per_product))])]

def cart(n):
    data = graphql("X-Shopify-Storefront-Access-Token", store["storefront_token"],
        "mutation($lines: [CartLineInput!]!) { cartCreate(input: { lines: $lines }) {"
        " cart { id totalQuantity } userErrors { code } warnings { code } } }",
        {"lines": [{"merchandiseId": variants[n % len(variants)], "quantity": 1}]})["cartCreate"]
    if data["userErrors"] or data["warnings"] or data["cart"]["totalQuantity"] != 1:
        sys.exit(f"cartCreate refused: {data}")
    return data["cart"]["id"]

with ThreadPoolExecutor(16) as pool:
    carts = list(pool.map(cart, range(int(warmup_carts) + int(run_carts) + int(probes))))
warmup, run = carts[:int(warmup_carts)], carts[int(warmup_carts):int(warmup_carts) + int(run_carts)]
probe = carts[int(warmup_carts) + int(run_carts):]

buyer = {
    "email": "ada@example.com",
    "shippingAddress": {"firstName": "Ada", "lastName": "Lovelace", "address1": "12 Analytical Row",
                        "city": "London", "zip": "N1 9GU", "countryCode": "GB", "phone": "+44 20 7946 0018"},
    "paymentToken": "tok_visa",
}

def lua(values):
    return "{" + ",".join(json.dumps(v) for v in values) + "}"

for name, ids, cycle in (("warmup", warmup, False), ("run", run, False), ("baseline", run, True)):
    with open(f"{tmp}/{name}.lua", "w") as f:
        f.write(f'return {{ path = "{path}", host = {json.dumps(domain)},'
                f' token = {json.dumps(store["storefront_token"])}, query = [==[{json.dumps(op)}]==],'
                f' input = [==[{json.dumps(buyer)}]==], pool = "bench-{run_id}-{name}",'
                f' cycle = {"true" if cycle else "false"}, carts = {lua(ids)} }}\n')
json.dump({"path": path, "host": domain, "token": store["storefront_token"], "query": op,
           "input": buyer, "key": f"bench-{run_id}-probe", "carts": probe}, open(f"{tmp}/probe.json", "w"))
PY
AUTOVACUUM="$(psql -Atc 'show autovacuum' "$DB")"

# One wrk run; prints wrk's BENCH line: requests, requests/s, p50 ms, p99 ms, failures, first
# failure.
wrk_run() { # url data-file duration
  BENCH_DATA="$2" BENCH_THREADS="$THREADS" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$3" --latency \
    -s bench/checkout.lua "$1" >"$TMP/wrk.out"
  grep '^BENCH' "$TMP/wrk.out" | cut -f2- || { cat "$TMP/wrk.out" >&2; exit 1; }
}
statements() { curl -sf "http://127.0.0.1:$VITRINE_PORT/metrics" | awk '$1 == "vitrine_sql_statements_total" { print $2 }'; }
BASELINE_URL="http://127.0.0.1:$BASELINE_PORT/api/2025-01/graphql.json"
VITRINE_URL="http://127.0.0.1:$VITRINE_PORT/api/2025-01/graphql.json"
wrk_run "$BASELINE_URL" "$TMP/baseline.lua" "$WARMUP" >/dev/null
BASELINE_RUN="$(wrk_run "$BASELINE_URL" "$TMP/baseline.lua" "$DURATION")"
WARMUP_RUN="$(wrk_run "$VITRINE_URL" "$TMP/warmup.lua" "$WARMUP")"
sleep 1 # the warm-up's last checkouts finish outside the counted window
[[ "$ANALYZE" == 1 ]] && psql -qc 'VACUUM ANALYZE' "$DB"
BEFORE="$(statements)"
CHECKOUT_RUN="$(wrk_run "$VITRINE_URL" "$TMP/run.lua" "$DURATION")"
sleep 1
AFTER="$(statements)"

# The probe: checkouts one at a time, nothing else running; prints statements per checkout.
PROBE="$(python3 - "$TMP/probe.json" "127.0.0.1:$VITRINE_PORT" <<'PY'
import http.client, json, sys
probe, address = json.load(open(sys.argv[1])), sys.argv[2]
connection = http.client.HTTPConnection(address)
def statements():
    connection.request("GET", "/metrics")
    text = connection.getresponse().read().decode()
    return int(next(l.split()[1] for l in text.splitlines() if l.startswith("vitrine_sql_statements_total ")))
before = statements()
for n, cart in enumerate(probe["carts"]):
    body = json.dumps({"query": probe["query"], "variables": {
        "cartId": cart, "idempotencyKey": f"{probe['key']}-{n}", "input": probe["input"]}})
    connection.request("POST", probe["path"], body, {"Content-Type": "application/json",
        "Host": probe["host"], "X-Shopify-Storefront-Access-Token": probe["token"]})
    answer = connection.getresponse()
    text = answer.read().decode()
    payload = json.loads(text).get("data", {}).get("cartComplete") if answer.status == 200 else None
    if not payload or not payload.get("order") or payload.get("userErrors"):
        sys.exit(f"probe checkout failed: {answer.status} {text[:300]}")
print(f"{(statements() - before) / len(probe['carts']):.1f}" if probe["carts"] else "n/a")
PY
)"

mkdir -p bench/results
RESULTS="bench/results/checkout-$(date +%Y-%m-%d-%H%M%S).txt"
{
  echo "bench/checkout.sh, $(date -u +%FT%TZ), $(measured_commit)," \
    "$(nproc) cores (load average $LOAD at the start), PostgreSQL $(psql -Atc 'show server_version' postgres | cut -d' ' -f1)" \
    "(autovacuum $AUTOVACUUM; $([[ "$ANALYZE" == 1 ]] && echo "vacuumed and analyzed after the warm-up" || echo "NEVER ANALYZED"))"
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION (after $WARMUP warm-up); $RUN_CARTS carts for the run," \
    "$WARMUP_CARTS for the warm-up, over $((PRODUCTS * VARIANTS_PER_PRODUCT)) variants; test gateway, capture at once;" \
    "${VITRINE_DATABASE_MAX_CONNECTIONS:-default} database connections"
  echo
  printf '%s\n' "baseline (plain axum)	$BASELINE_RUN" "checkout (uncontended)	$CHECKOUT_RUN" "warm-up (not counted)	$WARMUP_RUN" |
    awk -F'\t' -v before="$BEFORE" -v after="$AFTER" -v probe="$PROBE" -v probes="$PROBES" '
      BEGIN { printf "%-24s %10s %9s %9s %7s %12s\n", "scenario", "requests/s", "p50 ms", "p99 ms", "errors", "of baseline" }
      { name[NR] = $1; n[NR] = $2; rps[NR] = $3; p99[NR] = $5; err[NR] = $6; first[NR] = $7
        if (NR <= 2) printf "%-24s %10.0f %9.2f %9.2f %7d %11.1f%%\n", $1, $3, $4, $5, $6, 100 * $3 / rps[1] }
      END {
        completed = n[2] - err[2]
        per = completed > 0 ? (after - before) / completed : 0
        printf "\nSQL statements per checkout: %.1f in the run (%d statements, %d completed checkouts);" \
          " %s one at a time (%d checkouts)\n", per, after - before, completed, probe, probes
        printf "target >= 300 checkouts/s: %s\n", rps[2] >= 300 ? "met" : "MISSED"
        printf "target p99 < 500 ms: %s\n", p99[2] < 500 ? "met" : "MISSED"
        for (i = 1; i <= NR; i++) if (err[i] > 0) printf "FAILED: %s: %d failed answers; first: %s\n", name[i], err[i], first[i]
      }'
} | tee "$RESULTS"
echo "(written to $RESULTS)"
! grep -q '^FAILED' "$RESULTS"
