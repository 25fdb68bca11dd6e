#!/usr/bin/env bash
# Storefront search over a catalog of BENCH_PRODUCTS products, beside the same run's baseline, on
# each search backend:
#   tantivy:     the embedded default (SQLite, in-process cache, the Tantivy index in the data dir);
#   meilisearch: PostgreSQL, Redis and a Meilisearch started here (BENCH_MEILI_BIN, default
#                `meilisearch` on the PATH or ~/.cache/meili-target/release/meilisearch; no package
#                provides it: see README, "Search"). Without one, the script says so and fails.
# Scenarios, on each backend, with the origin response cache off (every request searches):
#   (1) faceted search: `search(query, productFilters, first: 24, types: [PRODUCT])` with its
#       `totalCount`, products and `productFilters` (every facet with counts), over
#       BENCH_QUERIES generated requests: words, typos, prefixes, and one to three filters
#       (colour, size, vendor, type, availability, price);
#   (2) predictive search: `predictiveSearch(query, limit: 10)` over BENCH_QUERIES prefixes of
#       one to six letters (products, collections, pages, articles, queries).
# Products get 2 colours x 3 sizes, a vendor, a type and tags, made through the admin API; the
# script waits until the index counts them all. The baseline is bench/baseline answering a fixed
# 3 KB JSON body, driven by the same wrk script, threads and connections. Each figure is one wrk
# run after a discarded warm-up; p50/p99 are wrk's. Any failed answer (not 200, or "errors") is
# counted, shown and makes the script exit 1. The table is also written to
# bench/results/search-<date>.txt (commit the runs worth keeping).
#
#   bench/search.sh                  # release build, fresh databases (dropped on exit), ~10 min
#
# Knobs (environment): BENCH_THREADS (2), BENCH_CONNECTIONS (16), BENCH_DURATION (15s),
# BENCH_WARMUP (3s), BENCH_BACKENDS ("tantivy meilisearch"), BENCH_PRODUCTS (5000),
# BENCH_QUERIES (200), BENCH_MEILI_BIN, PGHOST/PGPORT/PGUSER (127.0.0.1, 5432, postgres),
# REDIS_URL (redis://127.0.0.1:6379; keys prefixed with this run's, deleted on exit).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-3s}
BACKENDS=${BENCH_BACKENDS:-tantivy meilisearch}
PRODUCTS=${BENCH_PRODUCTS:-5000}
QUERIES=${BENCH_QUERIES:-200}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
REDIS=${REDIS_URL:-redis://127.0.0.1:6379}
unset DATABASE_URL REDIS_URL VITRINE_DATA_DIR VITRINE_RESPONSE_CACHE_ENABLED MEILI_URL MEILI_KEY
LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"
MEILI_BIN=${BENCH_MEILI_BIN:-$(command -v meilisearch || echo "$HOME/.cache/meili-target/release/meilisearch")}
MEILI_KEY="bench-master-key-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"

prepare_run
KEY_PREFIX="bench-$RUN_ID:"
MEILI_PID=""
cleanup() {
  for pid in "${SERVERS[@]}"; do stop_server "$pid"; done
  [[ -z "$MEILI_PID" ]] || stop_server "$MEILI_PID"
  dropdb --if-exists --force "$DB" 2>/dev/null || true
  if command -v redis-cli >/dev/null; then
    redis-cli -u "$REDIS" --scan --pattern "$KEY_PREFIX*" 2>/dev/null | xargs -r -n 500 redis-cli -u "$REDIS" del >/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# Starts Meilisearch on a free port with a fresh database; sets MEILI_PORT.
start_meilisearch() {
  [[ -x "$MEILI_BIN" ]] || { echo "no Meilisearch binary at $MEILI_BIN (BENCH_MEILI_BIN)" >&2; exit 1; }
  MEILI_PORT="$(free_port)"
  "$MEILI_BIN" --http-addr "127.0.0.1:$MEILI_PORT" --master-key "$MEILI_KEY" --db-path "$TMP/meili" \
    --no-analytics --env development >"$TMP/meili.log" 2>&1 &
  MEILI_PID=$!
  wait_for "http://127.0.0.1:$MEILI_PORT/health" "$MEILI_PID" "$TMP/meili.log"
}

# Starts Vitrine with the response cache off on a backend; sets VITRINE_PORT, VITRINE_PID.
start_vitrine() { # backend
  local env=(VITRINE_LOG=warn "VITRINE_DATA_DIR=$TMP/$1" VITRINE_RESPONSE_CACHE_ENABLED=false)
  if [[ "$1" == meilisearch ]]; then
    env+=("DATABASE_URL=postgres://$PGUSER@$PGHOST:$PGPORT/$DB" "REDIS_URL=$REDIS" "VITRINE_REDIS_KEY_PREFIX=$KEY_PREFIX"
      "MEILI_URL=http://127.0.0.1:$MEILI_PORT" "MEILI_KEY=$MEILI_KEY" "VITRINE_MEILI_INDEX_PREFIX=bench_$RUN_ID")
  fi
  VITRINE_PORT="$(free_port)"
  env "${env[@]}" VITRINE_LISTEN="127.0.0.1:$VITRINE_PORT" "$BIN/vitrine" serve >"$TMP/vitrine-$1.log" 2>&1 &
  VITRINE_PID=$!
  SERVERS+=("$VITRINE_PID")
  wait_for "http://127.0.0.1:$VITRINE_PORT/readyz" "$VITRINE_PID" "$TMP/vitrine-$1.log"
}
vitrine_cli() { # backend args...
  local backend="$1"; shift
  if [[ "$backend" == meilisearch ]]; then
    DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB" VITRINE_DATA_DIR="$TMP/cli" VITRINE_LOG=warn "$BIN/vitrine" "$@"
  else
    VITRINE_DATA_DIR="$TMP/$backend" VITRINE_LOG=warn "$BIN/vitrine" "$@"
  fi
}

# Seeding and the wrk data files, through the APIs of a running server:
#   setup.py TMP BACKEND ADDRESS PRODUCTS QUERIES
cat >"$TMP/setup.py" <<'PY'
import http.client, json, random, sys, time
tmp, backend, address, products, queries = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
path = "/api/2025-01/graphql.json"
store = json.load(open(f"{tmp}/{backend}-store.json"))
connection = http.client.HTTPConnection(address)
draw = random.Random(13)
COLORS = ["Black", "White", "Navy", "Olive", "Sand", "Red", "Grey", "Blue"]
SIZES = ["XS", "S", "M", "L", "XL", "XXL"]
VENDORS = ["Acme", "Northwind", "Maison", "Knitworks", "Denimco", "Fieldhouse", "Atelier", "Harbor"]
TYPES = ["Shirt", "Trousers", "Sweater", "Jacket", "Dress", "Scarf"]
MATERIALS = ["linen", "cotton", "wool", "denim", "silk", "cashmere", "hemp", "fleece"]
STYLES = ["classic", "relaxed", "slim", "oversized", "cropped", "vintage", "utility", "everyday"]

def post(header, token, query, variables):
    body = json.dumps({"query": query, "variables": variables})
    connection.request("POST", path, body, {"Host": store["domain"], "Content-Type": "application/json", header: token})
    answer = connection.getresponse()
    text = answer.read().decode()
    data = json.loads(text)
    if answer.status != 200 or data.get("errors"):
        sys.exit(f"setup failed: {query[:60]!r}: {answer.status} {text[:300]}")
    return data["data"]

def admin(query, variables):
    return post("X-Shopify-Access-Token", store["admin_token"], query, variables)

def storefront(query, variables):
    return post("X-Shopify-Storefront-Access-Token", store["storefront_token"], query, variables)

for p in range(products):
    material, style, kind = draw.choice(MATERIALS), draw.choice(STYLES), draw.choice(TYPES)
    colors = draw.sample(COLORS, 2)
    sizes = draw.sample(SIZES, 3)
    price = draw.randrange(15, 250)
    data = admin(
        "mutation($input: ProductInput!) { productCreate(input: $input) { product { id } userErrors { field message code } } }",
        {"input": {
            "title": f"{style.title()} {material} {kind.lower()} {p}", "handle": f"bench-{p}",
            "vendor": draw.choice(VENDORS), "productType": kind,
            "descriptionHtml": f"<p>A {style} {kind.lower()} in {material}, cut for every day. Number {p} of the bench catalog.</p>",
            "tags": [material, style, f"drop-{p % 10}"],
            "options": ["Color", "Size"],
            "variants": [{"sku": f"B{p}-{c}-{s}", "price": f"{price}.00", "options": [c, s],
                          "inventoryQuantity": draw.choice([0, 5, 20])} for c in colors for s in sizes],
        }})["productCreate"]
    if data["userErrors"]:
        sys.exit(f"productCreate refused: {data['userErrors']}")
    if p and p % 1000 == 0:
        print(f"{backend}: {p} products", file=sys.stderr)

# Wait until the index counts every product (the indexer takes the catalog in within a second of
# each write; a whole catalog takes a little longer).
count = "query { search(query: \"\", first: 1, types: [PRODUCT]) { totalCount } }"
deadline = time.time() + 300
while storefront(count, {})["search"]["totalCount"] < products:
    if time.time() > deadline:
        sys.exit("the index did not take the catalog in within 5 minutes")
    time.sleep(0.5)

FACETED = ("query Search($query: String!, $filters: [ProductFilter!]) { search(query: $query, first: 24, "
           "types: [PRODUCT], productFilters: $filters) { totalCount nodes { ... on Product { id handle title "
           "vendor priceRange { minVariantPrice { amount currencyCode } } } } productFilters { id label type "
           "values { id label count input } } } }")
PREDICTIVE = ("query Predictive($query: String!) { predictiveSearch(query: $query, limit: 10) { products { id handle "
              "title } collections { id handle } pages { id handle } articles { id handle } queries { text styledText } } }")

def typo(word):
    if len(word) < 5:
        return word
    i = draw.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]

def a_filter():
    kind = draw.choice(["color", "size", "vendor", "type", "available", "price"])
    if kind == "color":
        return {"variantOption": {"name": "Color", "value": draw.choice(COLORS)}}
    if kind == "size":
        return {"variantOption": {"name": "Size", "value": draw.choice(SIZES)}}
    if kind == "vendor":
        return {"productVendor": draw.choice(VENDORS)}
    if kind == "type":
        return {"productType": draw.choice(TYPES)}
    if kind == "available":
        return {"available": True}
    low = draw.randrange(15, 150)
    return {"price": {"min": low, "max": low + 100}}

faceted, predictive = [], []
for _ in range(queries):
    words = [draw.choice(MATERIALS)] + ([draw.choice(TYPES).lower()] if draw.random() < 0.5 else [])
    if draw.random() < 0.3:
        words = [typo(w) for w in words]
    filters = [a_filter() for _ in range(draw.randrange(1, 4))]
    faceted.append(json.dumps({"query": FACETED, "variables": {"query": " ".join(words), "filters": filters}}))
    word = draw.choice(MATERIALS + STYLES + [t.lower() for t in TYPES])
    predictive.append(json.dumps({"query": PREDICTIVE, "variables": {"query": word[:draw.randrange(1, min(6, len(word)) + 1)]}}))

for name, bodies in [("faceted", faceted), ("predictive", predictive)]:
    # Every body once: it answers without errors.
    for body in bodies[:20]:
        variables = json.loads(body)["variables"]
        storefront(json.loads(body)["query"], variables)
    with open(f"{tmp}/{backend}-{name}.lua", "w") as f:
        f.write(f'return {{ host = {json.dumps(store["domain"])}, token = {json.dumps(store["storefront_token"])},'
                f' bodies = {{{",".join(json.dumps(b) for b in bodies)}}} }}\n')
PY

# One measured wrk run after a discarded warm-up: wrk's BENCH line (see bench/search.lua).
measure() { # url data-file
  local wrk=(wrk -t"$THREADS" -c"$CONNECTIONS" -s bench/search.lua)
  BENCH_DATA="$2" BENCH_THREADS="$THREADS" "${wrk[@]}" -d"$WARMUP" "$1" >/dev/null
  BENCH_DATA="$2" BENCH_THREADS="$THREADS" "${wrk[@]}" -d"$DURATION" --latency "$1" >"$TMP/wrk.out"
  grep '^BENCH' "$TMP/wrk.out" | cut -f2- || { cat "$TMP/wrk.out" >&2; exit 1; }
}
ROWS="$TMP/rows"
: >"$ROWS"
row() { # backend scenario url data-file
  echo "$1 $2..." >&2
  printf '%s\t%s\t%s\n' "$1" "$2" "$(measure "$3" "$4")" >>"$ROWS"
}

BASELINE_PORT="$(free_port)"
"$BIN/baseline" "127.0.0.1:$BASELINE_PORT" edge >"$TMP/baseline.log" 2>&1 &
SERVERS+=($!)
wait_for "http://127.0.0.1:$BASELINE_PORT/" "${SERVERS[-1]}" "$TMP/baseline.log"

for backend in $BACKENDS; do
  if [[ "$backend" == meilisearch ]]; then
    createdb "$DB"
    start_meilisearch
  fi
  start_vitrine "$backend"
  vitrine_cli "$backend" store create --name Bench --domain "$DOMAIN" --json >"$TMP/$backend-store.json"
  echo "$backend: seeding $PRODUCTS products..." >&2
  python3 "$TMP/setup.py" "$TMP" "$backend" "127.0.0.1:$VITRINE_PORT" "$PRODUCTS" "$QUERIES"
  [[ -s "$ROWS" ]] || row baseline "fixed 3 KB JSON (plain axum)" \
    "http://127.0.0.1:$BASELINE_PORT/api/2025-01/graphql.json" "$TMP/$backend-faceted.lua"
  URL="http://127.0.0.1:$VITRINE_PORT/api/2025-01/graphql.json"
  row "$backend" "(1) faceted search, $PRODUCTS products" "$URL" "$TMP/$backend-faceted.lua"
  row "$backend" "(2) predictive search" "$URL" "$TMP/$backend-predictive.lua"
  stop_server "$VITRINE_PID"
done

mkdir -p bench/results
RESULTS="bench/results/search-$(date +%Y-%m-%d-%H%M%S).txt"
{
  echo "bench/search.sh, $(date -u +%FT%TZ), $(measured_commit), $(nproc) cores (load average $LOAD at the start)," \
    "PostgreSQL $(psql -Atc 'show server_version' postgres | cut -d' ' -f1), $("$MEILI_BIN" --version 2>/dev/null || echo 'no Meilisearch')"
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION (after $WARMUP warm-up); POST GraphQL, response cache off;" \
    "$PRODUCTS products x 6 variants; $QUERIES generated requests per scenario"
  echo "tantivy = SQLite + in-process cache + Tantivy; meilisearch = PostgreSQL + Redis + Meilisearch (tenant tokens)"
  echo
  awk -F'\t' '
    BEGIN { printf "%-12s %-34s %10s %8s %8s %6s %9s %7s %6s %6s\n", "backend", "scenario", "requests/s",
      "p50 ms", "p99 ms", "errors", "body B", "rps %", "p50 x", "p99 x" }
    # $3...: requests, requests/s, p50, p99, failures, bytes, first failure.
    { backend[NR] = $1; name[NR] = $2; n[NR] = $3; rps[NR] = $4; p99[NR] = $6; err[NR] = $7; first[NR] = $9
      if (NR == 1) { brps = $4; bp50 = $5; bp99 = $6 }
      printf "%-12s %-34s %10.0f %8.2f %8.2f %6d %9.0f %6.1f%% %6.1f %6.1f\n", $1, $2, $4, $5, $6, $7, $8,
        100 * $4 / brps, $5 / bp50, $6 / bp99 }
    END {
      print ""
      print "rps % = requests/s as a share of the baseline'"'"'s; p50 x, p99 x = latency as a multiple of the baseline'"'"'s; body B = mean response bytes"
      for (i = 2; i <= NR; i++) {
        if (name[i] ~ /^\(1\)/)
          printf "target (%s) faceted search >= 700 requests/s and p99 < 20 ms at %s connections: %s (%.0f/s, p99 %.2f ms)\n",
            backend[i], "'"$CONNECTIONS"'", rps[i] >= 700 && p99[i] < 20 ? "met" : "MISSED", rps[i], p99[i]
        if (name[i] ~ /^\(2\)/)
          printf "target (%s) predictive search p99 < 10 ms: %s (p99 %.2f ms)\n", backend[i], p99[i] < 10 ? "met" : "MISSED", p99[i]
      }
      for (i = 1; i <= NR; i++) {
        if (n[i] == 0) printf "FAILED: %s %s: no answers within the run\n", backend[i], name[i]
        if (err[i] > 0) printf "FAILED: %s %s: %d failed answers; first: %s\n", backend[i], name[i], err[i], first[i]
      }
    }' "$ROWS"
} | tee "$RESULTS"
echo "(written to $RESULTS)"
! grep -q '^FAILED' "$RESULTS"
