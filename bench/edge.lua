-- wrk script for bench/edge.sh: GETs persisted queries and counts the answers that failed and
-- where each came from. BENCH_DATA names a Lua file written by edge.sh that returns { host,
-- token, paths } (each path a whole GET persisted query: the GraphQL path with its
-- operationName, variables and extensions); BENCH_THREADS is wrk's -t.
--
-- The requests are formatted once, in init; paths go round-robin, each wrk thread starting at
-- its own share of the list, so the threads spread over the list rather than march together.
-- With BENCH_ZIPF=s the paths are drawn instead, path k (1-based, the list in popularity order)
-- with probability proportional to 1 / k^s, from a random generator seeded with BENCH_SEED and
-- the thread's number: a browse trace that is the same on every run.
-- An answer fails when its status is not 200 or its body holds "errors" or a null product or
-- collection (an unknown handle answers null, not an error). Where it came from is counted: a
-- caching proxy's `X-Cache` (Varnish's, deploy/varnish/vitrine.vcl: HIT counts as HIT-LOCAL,
-- MISS as MISS, whatever the origin answered it from) or else the origin's `x-vitrine-cache`
-- (HIT-LOCAL, HIT-SHARED, MISS, or none, as from the baseline); with BENCH_PROXIED=1 an answer
-- without `X-Cache` did not come through the proxy and fails. done() prints one BENCH line
-- that edge.sh parses: requests, requests/s, p50 ms, p99 ms, failures, HIT-LOCAL, HIT-SHARED,
-- MISS, mean response bytes (headers included), first failure.

dofile("bench/threads.lua")

function init(args)
  wrk.headers["Host"] = data.host
  wrk.headers["X-Shopify-Storefront-Access-Token"] = data.token
  requests = {}
  for i, path in ipairs(data.paths) do
    requests[i] = wrk.format("GET", path)
  end
  local share = math.floor(#requests / tonumber(os.getenv("BENCH_THREADS") or "1"))
  next_request = (id * share) % #requests
  proxied = os.getenv("BENCH_PROXIED") == "1"
  local zipf = tonumber(os.getenv("BENCH_ZIPF") or "")
  if zipf then
    math.randomseed(tonumber(os.getenv("BENCH_SEED") or "1") * 1000 + id)
    cumulative, total = {}, 0
    for k = 1, #requests do
      total = total + 1 / k ^ zipf
      cumulative[k] = total
    end
  end
  failures, hit_local, hit_shared, miss = 0, 0, 0, 0
  first_failure = ""
end

function request()
  if cumulative then
    return requests[zipf_draw()]
  end
  next_request = next_request % #requests + 1
  return requests[next_request]
end

-- The first k whose cumulative weight reaches a uniform draw (binary search).
function zipf_draw()
  local target = math.random() * total
  local low, high = 1, #cumulative
  while low < high do
    local middle = math.floor((low + high) / 2)
    if cumulative[middle] < target then low = middle + 1 else high = middle end
  end
  return low
end

function response(status, headers, body)
  local source = headers["X-Cache"] or headers["x-cache"]
  local proxy_missed = proxied and not source
  if source then
    source = source == "HIT" and "HIT-LOCAL" or "MISS"
  else
    source = headers["x-vitrine-cache"] or headers["X-Vitrine-Cache"]
  end
  if source == "HIT-LOCAL" then
    hit_local = hit_local + 1
  elseif source == "HIT-SHARED" then
    hit_shared = hit_shared + 1
  elseif source == "MISS" then
    miss = miss + 1
  end
  if proxy_missed or status ~= 200 or body:find('"errors"', 1, true) or body:find('"product":null', 1, true)
      or body:find('"collection":null', 1, true) then
    failures = failures + 1
    if first_failure == "" then
      first_failure = (proxy_missed and "no X-Cache (not through the proxy): " or "") .. status .. " "
        .. body:sub(1, 300):gsub("%s+", " ")
    end
  end
end

function done(summary, latency, requests)
  local failed, first, local_hits, shared_hits, misses = 0, "", 0, 0, 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
    local_hits = local_hits + thread:get("hit_local")
    shared_hits = shared_hits + thread:get("hit_shared")
    misses = misses + thread:get("miss")
    if first == "" then first = thread:get("first_failure") end
  end
  -- Socket errors and timeouts are failures too; bad statuses were counted above.
  local e = summary.errors
  failed = failed + e.connect + e.read + e.write + e.timeout
  io.write(string.format("BENCH\t%d\t%.1f\t%.2f\t%.2f\t%d\t%d\t%d\t%d\t%.0f\t%s\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, failed, local_hits, shared_hits, misses,
    summary.bytes / math.max(summary.requests, 1), first))
end
