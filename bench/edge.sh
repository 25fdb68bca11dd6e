#!/usr/bin/env bash
# Catalog reads as a CDN's origin sees them, beside the same run's baseline: GET persisted queries
# (Apollo APQ: operationName, variables and extensions in the URL, the storefront token in a
# header) against the origin response cache, and with it off, on each backend:
#   embedded: the default (SQLite, in-process cache, no Redis);
#   postgres: PostgreSQL and Redis (the shared cache tier; the local tier in front of it).
# Scenarios, on each backend:
#   (1) product page, cached: Next.js Commerce's getProduct (schema/operations/clients/
#       nextjs-commerce/get_product.graphql, registered once by APQ; catalog fields only, so its
#       answers are cached until a purge), every request one of BENCH_HOT products; and the
#       built-in product.graphql by its hash, which reads live stock (quantityAvailable,
#       totalInventory), so its answers are kept for a second only;
#   (2) product page, cache off (VITRINE_RESPONSE_CACHE_ENABLED=false): getProduct round-robin over
#       all BENCH_PRODUCTS products, so every page is read from the database;
#   (3) collection page of BENCH_COLLECTION products, cached and cache off: Next.js Commerce's
#       getCollectionProducts (catalog fields only) and the built-in collection_products.graphql
#       (first: BENCH_COLLECTION; live stock).
#   (4) the Zipf browse trace through Varnish (deploy/varnish/vitrine.vcl) on PostgreSQL and Redis:
#       getProduct over BENCH_ZIPF_PRODUCTS one-variant products drawn from Zipf(BENCH_ZIPF_S)
#       with seeded generators, while a merchant updates a Zipf-chosen product every second
#       (each update purged from Varnish by the purge worker); hits are Varnish's.
# Products have BENCH_VARIANTS sizes and BENCH_IMAGES images each, made through the admin API.
# The baseline is bench/baseline answering a fixed 3 KB JSON body (`edge` mode), driven by the
# same wrk script, threads and connections. Each figure is one wrk run after a discarded warm-up
# (which also fills the cache); p50/p99 are wrk's latencies. "hits" is the share of answers whose
# x-vitrine-cache header says HIT-LOCAL or HIT-SHARED; a cached catalog scenario with fewer than
# 99% hits, or a cache-off one with any, measured the wrong thing and fails. Load generator,
# servers, PostgreSQL and Redis share this machine; the load average at the start is recorded.
# Any failed answer (not 200, "errors", or a null product or collection) is counted, shown and
# makes the script exit 1. The table is also written to bench/results/edge-<date>.txt (commit
# the runs worth keeping).
#
#   bench/edge.sh                     # release build, fresh databases (dropped on exit), ~8 min
#
# Knobs (environment): BENCH_THREADS (2), BENCH_CONNECTIONS (64), BENCH_DURATION (15s),
# BENCH_WARMUP (3s), BENCH_BACKENDS ("embedded postgres"), BENCH_SCENARIOS ("1 2 3 4": which to
# run), BENCH_PRODUCTS (200), BENCH_HOT (4), BENCH_COLLECTION (50), BENCH_VARIANTS (5),
# BENCH_IMAGES (5; with 5 variants a getProduct page is about the baseline's 3 KB), BENCH_TIMEOUT
# (wrk's, 10s: an uncached collection page at 64 connections takes over wrk's default 2 s),
# BENCH_ZIPF_PRODUCTS (5000), BENCH_ZIPF_S (1.0), BENCH_ZIPF_SEED (12), BENCH_ZIPF_WARMUP (10s),
# PGHOST/PGPORT/PGUSER (127.0.0.1, 5432, postgres), REDIS_URL (redis://127.0.0.1:6379; its keys
# get a prefix of this run's, deleted on exit); VITRINE_DATABASE_MAX_CONNECTIONS and the like
# pass through to the servers. Needs wrk, and for (4) varnishd with vmod xkey; installs the
# Debian packages when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
THREADS=${BENCH_THREADS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
DURATION=${BENCH_DURATION:-15s}
WARMUP=${BENCH_WARMUP:-3s}
BACKENDS=${BENCH_BACKENDS:-embedded postgres}
SCENARIOS=" ${BENCH_SCENARIOS:-1 2 3 4} "
PRODUCTS=${BENCH_PRODUCTS:-200}
HOT=${BENCH_HOT:-4}
COLLECTION=${BENCH_COLLECTION:-50}
VARIANTS=${BENCH_VARIANTS:-5}
IMAGES=${BENCH_IMAGES:-5}
TIMEOUT=${BENCH_TIMEOUT:-10s}
ZIPF_PRODUCTS=${BENCH_ZIPF_PRODUCTS:-5000}
ZIPF_S=${BENCH_ZIPF_S:-1.0}
ZIPF_SEED=${BENCH_ZIPF_SEED:-12}
ZIPF_WARMUP=${BENCH_ZIPF_WARMUP:-10s}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
REDIS=${REDIS_URL:-redis://127.0.0.1:6379}
# The servers get their database and cache from start_vitrine alone.
unset DATABASE_URL REDIS_URL VITRINE_DATA_DIR VITRINE_RESPONSE_CACHE_ENABLED
LOAD="$(cut -d' ' -f1-3 /proc/loadavg)"

prepare_run
KEY_PREFIX="bench-$RUN_ID:"
cleanup() {
  stop_varnish
  for pid in "${SERVERS[@]}"; do stop_server "$pid"; done
  dropdb --if-exists --force "$DB" 2>/dev/null || true
  if command -v redis-cli >/dev/null; then
    redis-cli -u "$REDIS" --scan --pattern "$KEY_PREFIX*" 2>/dev/null | xargs -r -n 500 redis-cli -u "$REDIS" del >/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT

# Starts Vitrine on a backend with the response cache on or off; sets VITRINE_PORT, VITRINE_PID.
# VITRINE_CDN_PURGE_* in the caller's environment pass through.
start_vitrine() { # backend on|off
  local env=(VITRINE_LOG=warn "VITRINE_DATA_DIR=$TMP/$1" "VITRINE_RESPONSE_CACHE_ENABLED=$([[ $2 == on ]] && echo true || echo false)")
  [[ "$1" == postgres ]] && env+=("DATABASE_URL=postgres://$PGUSER@$PGHOST:$PGPORT/$DB" "REDIS_URL=$REDIS" "VITRINE_REDIS_KEY_PREFIX=$KEY_PREFIX")
  VITRINE_PORT="$(free_port)"
  env "${env[@]}" VITRINE_LISTEN="127.0.0.1:$VITRINE_PORT" "$BIN/vitrine" serve >"$TMP/vitrine-$1-$2.log" 2>&1 &
  VITRINE_PID=$!
  SERVERS+=("$VITRINE_PID")
  wait_for "http://127.0.0.1:$VITRINE_PORT/readyz" "$VITRINE_PID" "$TMP/vitrine-$1-$2.log"
}
# Varnish from Debian's varnish and varnish-modules (vmod xkey), installed when missing, started
# in the foreground on a loopback port with the repository's VCL in front of a Vitrine.
VARNISH_PID="" VARNISH_DIR=""
ensure_varnish() {
  [[ -x /usr/sbin/varnishd && -n "$(find /usr/lib -name libvmod_xkey.so -print -quit 2>/dev/null)" ]] ||
    apt_install varnish varnish-modules
}
start_varnish() { # port backend-port
  # varnishd compiles the VCL as its unprivileged user: its directory is readable by all.
  VARNISH_DIR="$(mktemp -d)"
  chmod 755 "$VARNISH_DIR"
  sed -e "s/\${VITRINE_BACKEND_HOST}/127.0.0.1/" -e "s/\${VITRINE_BACKEND_PORT}/$2/" \
    deploy/varnish/vitrine.vcl >"$VARNISH_DIR/vitrine.vcl"
  chmod 644 "$VARNISH_DIR/vitrine.vcl"
  /usr/sbin/varnishd -F -a "127.0.0.1:$1" -f "$VARNISH_DIR/vitrine.vcl" -n "$VARNISH_DIR/work" -s malloc,256m \
    -p http_resp_hdr_len=65536 -p http_resp_size=98304 -p workspace_backend=256k >"$TMP/varnishd.log" 2>&1 &
  VARNISH_PID=$!
  for _ in $(seq 1 200); do
    # Varnish's own answer (X-Varnish), not something else's on a port that was taken meanwhile.
    curl -s -D - -o /dev/null "http://127.0.0.1:$1/" | grep -qi '^x-varnish:' && return 0
    kill -0 "$VARNISH_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "varnishd did not come up:" >&2; cat "$TMP/varnishd.log" >&2; exit 1
}
stop_varnish() {
  [[ -n "$VARNISH_PID" ]] || return 0
  stop_server "$VARNISH_PID"
  rm -rf "$VARNISH_DIR"
  VARNISH_PID=""
}
vitrine_cli() { # backend args...
  local backend="$1"; shift
  if [[ "$backend" == postgres ]]; then
    DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$DB" VITRINE_DATA_DIR="$TMP/$backend" VITRINE_LOG=warn "$BIN/vitrine" "$@"
  else
    VITRINE_DATA_DIR="$TMP/$backend" VITRINE_LOG=warn "$BIN/vitrine" "$@"
  fi
}

# Seeding, APQ registration and the wrk data files, through the APIs of a running server:
#   setup.py seed TMP BACKEND ADDRESS ...   products, the collection, data files, a check of each
#   setup.py register TMP BACKEND ADDRESS   sends the registered documents' text with their hashes
# (the embedded server keeps APQ documents in its process, so a restart needs them again).
cat >"$TMP/setup.py" <<'PY'
import hashlib, http.client, json, sys, urllib.parse
mode, tmp, backend, address = sys.argv[1:5]
path = "/api/2025-01/graphql.json"
store = json.load(open(f"{tmp}/{backend}-store.json"))
connection = http.client.HTTPConnection(address)
# The documents by GET: (file, operationName). Next.js Commerce's are registered by APQ; the
# built-in ones run by their hash alone.
DOCUMENTS = {
    "nextjs-product": ("schema/operations/clients/nextjs-commerce/get_product.graphql", "getProduct", True),
    "nextjs-collection": ("schema/operations/clients/nextjs-commerce/get_collection_products.graphql", "getCollectionProducts", True),
    "builtin-product": ("schema/operations/storefront/product.graphql", "Product", False),
    "builtin-collection": ("schema/operations/storefront/collection_products.graphql", "CollectionProducts", False),
}
def text(name):
    return open(DOCUMENTS[name][0], encoding="utf-8").read()
def sha(name):
    return hashlib.sha256(text(name).encode()).hexdigest()

def send(method, url, body=None, headers=None):
    connection.request(method, url, body, {"Host": store["domain"], **(headers or {})})
    answer = connection.getresponse()
    return answer.status, dict((k.lower(), v) for k, v in answer.getheaders()), answer.read().decode()

def post(header, token, query, variables=None, extensions=None):
    body = {"query": query, "variables": variables or {}}
    if extensions:
        body["extensions"] = extensions
    status, _, text_ = send("POST", path, json.dumps(body), {"Content-Type": "application/json", header: token})
    answer = json.loads(text_)
    if status != 200 or answer.get("errors"):
        sys.exit(f"setup failed: {query[:60]!r}: {status} {text_[:300]}")
    return answer["data"]

def admin(query, variables):
    return post("X-Shopify-Access-Token", store["admin_token"], query, variables)

def register():
    for name, (_, _, by_apq) in DOCUMENTS.items():
        if by_apq:
            post("X-Shopify-Storefront-Access-Token", store["storefront_token"], text(name), {"handle": "none"},
                 {"persistedQuery": {"version": 1, "sha256Hash": sha(name)}})

def get_path(name, variables):
    query = urllib.parse.urlencode({
        "operationName": DOCUMENTS[name][1],
        "variables": json.dumps(variables, separators=(",", ":")),
        "extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": sha(name)}}, separators=(",", ":")),
    })
    return f"{path}?{query}"

def seed(products, hot, collection, variants, images):
    sizes = ["XS", "S", "M", "L", "XL", "XXL", "3XL", "4XL"][:variants] if variants <= 8 else [f"S{n}" for n in range(variants)]
    ids, handles = [], []
    for p in range(products):
        handle = f"bench-tee-{p}"
        data = admin(
            "mutation($input: ProductInput!) { productCreate(input: $input) {"
            " product { id handle } userErrors { field message code } } }",
            {"input": {
                "title": f"Bench Tee {p}", "handle": handle, "productType": "T-Shirt",
                "descriptionHtml": f"<p>A heavyweight cotton tee, number {p} of the bench catalog. "
                    "Garment-dyed, pre-shrunk and cut for a relaxed fit; the shoulder seams sit a "
                    "little low and the hem is straight. Machine wash cold, tumble dry low.</p>",
                "tags": ["bench", "tee", f"drop-{p % 10}"],
                "seo": {"title": f"Bench Tee {p}", "description": f"Heavyweight cotton tee number {p}."},
                "images": [{"url": f"https://cdn.example.com/bench/tee-{p}-{i}.jpg", "altText": f"Bench Tee {p}, view {i}",
                            "width": 1200, "height": 1500} for i in range(images)],
                "options": ["Size"],
                "variants": [{"sku": f"BT{p}-{s}", "price": "25.00", "compareAtPrice": "30.00",
                              "options": [s], "inventoryQuantity": 1000} for s in sizes],
            }})["productCreate"]
        if data["userErrors"]:
            sys.exit(f"productCreate refused: {data['userErrors']}")
        ids.append(data["product"]["id"])
        handles.append(data["product"]["handle"])
    data = admin("mutation($input: CollectionInput!) { collectionCreate(input: $input) {"
                 " collection { handle } userErrors { field message code } } }",
                 {"input": {"title": "Bench Fifty", "handle": "bench-collection", "products": ids[:collection]}})["collectionCreate"]
    if data["userErrors"]:
        sys.exit(f"collectionCreate refused: {data['userErrors']}")
    register()
    hot_handles = handles[:hot]
    files = {
        "product-hot": [get_path("nextjs-product", {"handle": h}) for h in hot_handles],
        "builtin-product-hot": [get_path("builtin-product", {"handle": h}) for h in hot_handles],
        "product-spread": [get_path("nextjs-product", {"handle": h}) for h in handles],
        "collection": [get_path("nextjs-collection", {"handle": "bench-collection"})],
        "builtin-collection": [get_path("builtin-collection", {"handle": "bench-collection", "first": collection})],
    }
    for name, paths in files.items():
        with open(f"{tmp}/{backend}-{name}.lua", "w") as f:
            f.write(f'return {{ host = {json.dumps(store["domain"])}, token = {json.dumps(store["storefront_token"])},'
                    f' paths = {{{",".join(json.dumps(p) for p in paths)}}} }}\n')
        # Every path once: it answers, names a product (or the whole collection), and its size.
        sizes_ = []
        for p in paths:
            status, headers, body = send("GET", p, None, {"X-Shopify-Storefront-Access-Token": store["storefront_token"]})
            answer = json.loads(body) if status == 200 else {}
            data = answer.get("data") or {}
            if answer.get("errors") or not (data.get("product") or data.get("collection")):
                sys.exit(f"{name}: GET {p[:120]} answered {status} {body[:300]}")
            if "collection" in data:
                got = len(data["collection"]["products"]["edges"])
                if got != collection:
                    sys.exit(f"{name}: the collection page holds {got} products, not {collection}")
            sizes_.append(len(body))
        print(f"{name}\t{sum(sizes_) // len(sizes_)}")

def zipf_seed(products):
    """The Zipf store: `products` one-variant products; the wrk data file lists their pages in
    popularity order (the product of rank k is drawn with weight 1 / k)."""
    ids, paths = [], []
    for p in range(products):
        data = admin(
            "mutation($input: ProductInput!) { productCreate(input: $input) {"
            " product { id } userErrors { field message code } } }",
            {"input": {"title": f"Zipf Product {p}", "handle": f"zipf-{p}", "vendor": "Zipf",
                       "variants": [{"sku": f"Z{p}", "price": "19.00", "inventoryQuantity": 100}]}})["productCreate"]
        if data["userErrors"]:
            sys.exit(f"productCreate refused: {data['userErrors']}")
        ids.append(data["product"]["id"])
        paths.append(get_path("nextjs-product", {"handle": f"zipf-{p}"}))
    register()
    status, _, body = send("GET", paths[0], None, {"X-Shopify-Storefront-Access-Token": store["storefront_token"]})
    if status != 200 or not (json.loads(body).get("data") or {}).get("product"):
        sys.exit(f"zipf: GET {paths[0][:120]} answered {status} {body[:300]}")
    print(f"zipf\t{len(body)}")
    json.dump(ids, open(f"{tmp}/zipf-ids.json", "w"))
    with open(f"{tmp}/zipf.lua", "w") as f:
        f.write(f'return {{ host = {json.dumps(store["domain"])}, token = {json.dumps(store["storefront_token"])},'
                f' paths = {{{",".join(json.dumps(p) for p in paths)}}} }}\n')

def zipf_write(seconds, seed):
    """A merchant's edits while the trace runs: one product a second, drawn like the pages."""
    import random, time
    ids = json.load(open(f"{tmp}/zipf-ids.json"))
    weights = [1 / (k + 1) for k in range(len(ids))]
    draw = random.Random(seed)
    update = open("schema/operations/admin/product_update.graphql", encoding="utf-8").read()
    started, writes = time.monotonic(), 0
    while time.monotonic() - started < seconds:
        [product] = draw.choices(ids, weights)
        data = admin(update, {"id": product, "input": {"title": f"Zipf Product, edit {writes}"}})["productUpdate"]
        if data["userErrors"]:
            sys.exit(f"productUpdate refused: {data['userErrors']}")
        writes += 1
        time.sleep(max(0.0, started + writes - time.monotonic()))
    print(writes)

if mode == "seed":
    seed(*map(int, sys.argv[5:10]))
elif mode == "zipf-seed":
    zipf_seed(int(sys.argv[5]))
elif mode == "zipf-write":
    zipf_write(float(sys.argv[5]), int(sys.argv[6]))
else:
    register()
PY

# The server's SQL statements and cache (Redis or in-process) round trips so far, from /metrics;
# "0 0" for the baseline, which has none.
counters() { # metrics-url
  curl -sf "$1" 2>/dev/null | awk '$1 == "vitrine_sql_statements_total" { s = $2 }
    $1 == "vitrine_cache_round_trips_total" { c = $2 } END { print s + 0, c + 0 }' || echo "0 0"
}
# The requests Varnish received and the fetches it made from the origin so far ("0 0" when none
# runs). Its counters are folded in as connections close, so they are read once wrk is done.
proxy_counters() {
  [[ -n "$VARNISH_PID" ]] || { echo "0 0"; return 0; }
  sleep 1
  varnishstat -n "$VARNISH_DIR/work" -1 -f MAIN.client_req -f MAIN.backend_req |
    awk '$1 == "MAIN.client_req" { c = $2 } $1 == "MAIN.backend_req" { b = $2 } END { print c + 0, b + 0 }'
}
# One measured wrk run after a discarded warm-up; prints the growth of the server's counters over
# the measured run (statements, round trips) and wrk's BENCH line (see bench/edge.lua).
measure() { # url data-file
  local wrk=(wrk -t"$THREADS" -c"$CONNECTIONS" --timeout "$TIMEOUT" -s bench/edge.lua) before after
  local metrics="${1%%/api/*}/metrics"
  BENCH_DATA="$2" BENCH_THREADS="$THREADS" BENCH_ZIPF="${BENCH_ZIPF:-}" BENCH_SEED="${BENCH_SEED:-}" \
    BENCH_PROXIED="${BENCH_PROXIED:-}" "${wrk[@]}" -d"$WARMUP" "$1" >/dev/null
  before="$(counters "$metrics") $(proxy_counters)"
  BENCH_DATA="$2" BENCH_THREADS="$THREADS" BENCH_ZIPF="${BENCH_ZIPF:-}" BENCH_SEED="${BENCH_SEED:-}" \
    BENCH_PROXIED="${BENCH_PROXIED:-}" "${wrk[@]}" -d"$DURATION" --latency "$1" >"$TMP/wrk.out"
  after="$(counters "$metrics") $(proxy_counters)"
  echo "$before $after" | awk '{ print $7 - $3, $8 - $4 }' >"$TMP/proxy.out"
  printf '%s\t' $(echo "$before $after" | awk '{ print $5 - $1, $6 - $2 }')
  grep '^BENCH' "$TMP/wrk.out" | cut -f2- || { cat "$TMP/wrk.out" >&2; exit 1; }
}
# One line per run: backend, scenario, cache (on/stock/off/-), statements, round trips, then the
# BENCH fields.
ROWS="$TMP/rows"
: >"$ROWS"
row() { # backend scenario cache url data-file
  local line number="${2#(}"
  number="${number%%)*}"
  [[ "$2" != "("* || "$SCENARIOS" == *" $number "* ]] || return 0
  echo "$1 $2 (cache $3)..." >&2
  line="$(measure "$4" "$5")"
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$line" >>"$ROWS"
}

BASELINE_PORT="$(free_port)"
"$BIN/baseline" "127.0.0.1:$BASELINE_PORT" edge >"$TMP/baseline.log" 2>&1 &
SERVERS+=($!)
wait_for "http://127.0.0.1:$BASELINE_PORT/" "${SERVERS[-1]}" "$TMP/baseline.log"
SIZES="$TMP/sizes"
: >"$SIZES"

for backend in $BACKENDS; do
  [[ "$SCENARIOS" == *[123]* ]] || break
  [[ "$backend" == postgres ]] && createdb "$DB"
  start_vitrine "$backend" on
  vitrine_cli "$backend" store create --name Bench --domain "$DOMAIN" --json >"$TMP/$backend-store.json"
  echo "$backend: seeding $PRODUCTS products..." >&2
  python3 "$TMP/setup.py" seed "$TMP" "$backend" "127.0.0.1:$VITRINE_PORT" \
    "$PRODUCTS" "$HOT" "$COLLECTION" "$VARIANTS" "$IMAGES" | sed "s/^/$backend\t/" >>"$SIZES"
  # The baseline once, against the first backend's data (any path gets its fixed body).
  [[ -s "$ROWS" ]] || row baseline "fixed 3 KB JSON (plain axum)" - \
    "http://127.0.0.1:$BASELINE_PORT/api/2025-01/graphql.json" "$TMP/$backend-product-hot.lua"
  URL="http://127.0.0.1:$VITRINE_PORT/api/2025-01/graphql.json"
  row "$backend" "(1) product, $HOT hot, getProduct" on "$URL" "$TMP/$backend-product-hot.lua"
  row "$backend" "(1) product, $HOT hot, built-in" stock "$URL" "$TMP/$backend-builtin-product-hot.lua"
  row "$backend" "(3) collection $COLLECTION, getCollectionProducts" on "$URL" "$TMP/$backend-collection.lua"
  row "$backend" "(3) collection $COLLECTION, built-in" stock "$URL" "$TMP/$backend-builtin-collection.lua"
  stop_server "$VITRINE_PID"

  start_vitrine "$backend" off
  python3 "$TMP/setup.py" register "$TMP" "$backend" "127.0.0.1:$VITRINE_PORT"
  URL="http://127.0.0.1:$VITRINE_PORT/api/2025-01/graphql.json"
  row "$backend" "(2) product, $PRODUCTS spread, getProduct" off "$URL" "$TMP/$backend-product-spread.lua"
  row "$backend" "(3) collection $COLLECTION, getCollectionProducts" off "$URL" "$TMP/$backend-collection.lua"
  row "$backend" "(3) collection $COLLECTION, built-in" off "$URL" "$TMP/$backend-builtin-collection.lua"
  stop_server "$VITRINE_PID"
done

# (4) The Zipf browse trace through Varnish (deploy/varnish/vitrine.vcl), on PostgreSQL and Redis
# with the purge worker sending Varnish's xkey purges, while a merchant edits a Zipf-chosen
# product every second. The warm-up fills Varnish with the head of the distribution; the long
# tail's first requests are misses within the measured run, as they would be for a real CDN.
ZIPF_NOTE=""
if [[ "$SCENARIOS" == *" 4 "* ]]; then
  ensure_varnish
  psql -Atc "select 1 from pg_database where datname = '$DB'" postgres | grep -q 1 || createdb "$DB"
  VARNISH_PORT="$(free_port)"
  ZIPF_DOMAIN="zipf-$RUN_ID.test"
  VITRINE_CDN_PURGE_KIND=varnish VITRINE_CDN_PURGE_URL="http://127.0.0.1:$VARNISH_PORT/" start_vitrine postgres on
  start_varnish "$VARNISH_PORT" "$VITRINE_PORT"
  vitrine_cli postgres store create --name Zipf --domain "$ZIPF_DOMAIN" --json >"$TMP/zipf-store.json"
  echo "postgres: seeding $ZIPF_PRODUCTS products for the Zipf trace..." >&2
  python3 "$TMP/setup.py" zipf-seed "$TMP" zipf "127.0.0.1:$VITRINE_PORT" "$ZIPF_PRODUCTS" |
    sed "s/^/postgres\t/" >>"$SIZES"
  [[ -s "$ROWS" ]] || row baseline "fixed 3 KB JSON (plain axum)" - \
    "http://127.0.0.1:$BASELINE_PORT/api/2025-01/graphql.json" "$TMP/zipf.lua"
  python3 "$TMP/setup.py" zipf-write "$TMP" zipf "127.0.0.1:$VITRINE_PORT" \
    "$(( ${ZIPF_WARMUP%s} + ${DURATION%s} + 2 ))" "$ZIPF_SEED" >"$TMP/zipf-writes" &
  WRITER=$!
  WARMUP="$ZIPF_WARMUP" BENCH_ZIPF="$ZIPF_S" BENCH_SEED="$ZIPF_SEED" BENCH_PROXIED=1 \
    row postgres "(4) Zipf($ZIPF_S) $ZIPF_PRODUCTS, via Varnish" cdn "http://127.0.0.1:$VARNISH_PORT/api/2025-01/graphql.json" "$TMP/zipf.lua"
  wait "$WRITER" || { echo "the merchant's writes failed" >&2; exit 1; }
  read -r PROXY_REQUESTS PROXY_FETCHES <"$TMP/proxy.out"
  ZIPF_NOTE="$(awk -v r="$PROXY_REQUESTS" -v f="$PROXY_FETCHES" -v w="$(cat "$TMP/zipf-writes")" 'BEGIN {
    ratio = r > 0 ? 100 * (1 - f / r) : 0
    printf "target (postgres) Zipf trace through Varnish, 1 write/s: hit ratio >= 95%%: %s (%.3f%%: Varnish fetched %d of %d measured requests from the origin)\n", ratio >= 95 ? "met" : "MISSED", ratio, f, r
    printf "(4) a merchant updated %d products during the warm-up and the measured run (1/s, Zipf-chosen), each purged from Varnish by the worker; the hit ratio is 1 - fetches / requests from varnishstat (MAIN.backend_req, MAIN.client_req), the hits column is X-Cache: HIT", w }')"
  stop_varnish
  stop_server "$VITRINE_PID"
fi

mkdir -p bench/results
RESULTS="bench/results/edge-$(date +%Y-%m-%d-%H%M%S).txt"
{
  echo "bench/edge.sh, $(date -u +%FT%TZ), $(measured_commit), $(nproc) cores (load average $LOAD at the start)," \
    "PostgreSQL $(psql -Atc 'show server_version' postgres | cut -d' ' -f1), Redis $(redis-cli -u "$REDIS" info server 2>/dev/null | tr -d '\r' | awk -F: '$1 == "redis_version" { print $2 }')"
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --timeout $TIMEOUT (after $WARMUP warm-up, which also fills the cache); GET persisted queries;" \
    "$PRODUCTS products x $VARIANTS variants, $IMAGES images; cache: on = catalog-only document, stock = cached 1 s (live stock fields), off = VITRINE_RESPONSE_CACHE_ENABLED=false"
  echo "embedded = SQLite + in-process cache; postgres = PostgreSQL + Redis (shared tier) + in-process tier;" \
    "${VITRINE_DATABASE_MAX_CONNECTIONS:-default} database connections"
  echo
  awk -F'\t' -v sizes="$SIZES" '
    BEGIN { while ((getline line < sizes) > 0) { split(line, s, "\t"); size[s[1] "/" s[2]] = s[3] }
      printf "%-9s %-42s %-5s %10s %8s %8s %6s %6s %9s %7s %6s %6s %6s %6s\n", "backend", "scenario", "cache",
        "requests/s", "p50 ms", "p99 ms", "errors", "hits", "body B", "rps %", "p50 x", "p99 x", "SQL/r", "RT/r" }
    # $4, $5: statements, round trips; $6...: requests, requests/s, p50, p99, failures, HIT-LOCAL,
    # HIT-SHARED, MISS, bytes, first failure.
    { backend[NR] = $1; name[NR] = $2; cache[NR] = $3; n[NR] = $6; rps[NR] = $7; p99[NR] = $9; err[NR] = $10
      hits[NR] = $11 + $12; first[NR] = $15
      if (NR == 1) { brps = $7; bp50 = $8; bp99 = $9 }
      answered = $11 + $12 + $13
      hit = cache[NR] == "-" ? "-" : sprintf("%.1f%%", 100 * hits[NR] / (answered > 0 ? answered : 1))
      per = ratio($4, $6); rt = ratio($5, $6)
      printf "%-9s %-42s %-5s %10.0f %8.2f %8.2f %6d %6s %9s %6.1f%% %6.1f %6.1f %6s %6s\n", $1, $2, $3, $7, $8, $9, $10, hit,
        NR == 1 ? 3072 : size[$1 "/" file($2)], 100 * $7 / brps, $8 / bp50, $9 / bp99,
        NR == 1 ? "-" : per, NR == 1 ? "-" : rt }
    function ratio(count, requests) { return requests > 0 ? sprintf("%.2f", count / requests) : "-" }
    function file(scenario) {
      if (scenario ~ /Zipf/) return "zipf"
      if (scenario ~ /product.*hot.*getProduct/) return "product-hot"
      if (scenario ~ /product.*hot.*built-in/) return "builtin-product-hot"
      if (scenario ~ /product.*spread/) return "product-spread"
      if (scenario ~ /collection.*getCollection/) return "collection"
      return "builtin-collection" }
    END {
      print ""
      print "rps % = requests/s as a share of the baseline'"'"'s; p50 x, p99 x = latency as a multiple of the baseline'"'"'s;" \
        " body B = mean JSON body bytes; hits = HIT-LOCAL + HIT-SHARED share of the x-vitrine-cache answers;" \
        " SQL/r, RT/r = growth of /metrics vitrine_sql_statements_total and vitrine_cache_round_trips_total (the Cache trait: tenancy, APQ documents; not the response cache) per request over the measured run"
      for (i = 2; i <= NR; i++) {
        if (name[i] ~ /^\(1\).*getProduct/)
          printf "target (%s) cached product page >= 50%% of baseline requests/s and p99 < 5 ms: %s (%.1f%%, p99 %.2f ms)\n",
            backend[i], rps[i] >= brps / 2 && p99[i] < 5 ? "met" : "MISSED", 100 * rps[i] / brps, p99[i]
        if (name[i] ~ /^\(2\)/)
          printf "target (%s) cache off >= 2,000 pages/s%s: %s (%.0f/s)\n", backend[i],
            backend[i] == "postgres" ? "" : " (set for PostgreSQL; reported)", rps[i] >= 2000 ? "met" : "MISSED", rps[i]
      }
      for (i = 1; i <= NR; i++) {
        if (n[i] == 0) printf "FAILED: %s %s: no answers within the run\n", backend[i], name[i]
        if (err[i] > 0) printf "FAILED: %s %s: %d failed answers; first: %s\n", backend[i], name[i], err[i], first[i]
        if (cache[i] == "on" && hits[i] < 0.99 * n[i]) printf "FAILED: %s %s: only %d of %d answers were cache hits\n", backend[i], name[i], hits[i], n[i]
        if (cache[i] == "off" && hits[i] > 0) printf "FAILED: %s %s: %d cache hits with the cache off\n", backend[i], name[i], hits[i]
      }
    }' "$ROWS"
  [[ -z "$ZIPF_NOTE" ]] || echo "$ZIPF_NOTE"
} | tee "$RESULTS"
echo "(written to $RESULTS)"
! grep -q '^FAILED' "$RESULTS"
