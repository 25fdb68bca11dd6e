-- wrk script for bench/search.sh: POSTs GraphQL searches and counts the answers that failed.
-- BENCH_DATA names a Lua file written by search.sh that returns { host, token, bodies } (each
-- body a whole JSON request: query and variables); BENCH_THREADS is wrk's -t.
--
-- The requests are formatted once, in init, and go round-robin, each wrk thread starting at its
-- own share of the list. An answer fails when its status is not 200 or its body holds "errors"
-- (the baseline's fixed body holds neither). done() prints one BENCH line that search.sh parses:
-- requests, requests/s, p50 ms, p99 ms, failures, mean response bytes, first failure.

dofile("bench/threads.lua")

function init(args)
  wrk.headers["Host"] = data.host
  wrk.headers["X-Shopify-Storefront-Access-Token"] = data.token
  wrk.headers["Content-Type"] = "application/json"
  requests = {}
  for i, body in ipairs(data.bodies) do
    requests[i] = wrk.format("POST", nil, nil, body)
  end
  local share = math.floor(#requests / tonumber(os.getenv("BENCH_THREADS") or "1"))
  next_request = (id * share) % #requests
  failures = 0
  first_failure = ""
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

function response(status, headers, body)
  if status ~= 200 or body:find('"errors"', 1, true) then
    failures = failures + 1
    if first_failure == "" then
      first_failure = status .. " " .. body:sub(1, 300):gsub("%s+", " ")
    end
  end
end

function done(summary, latency, requests)
  local failed, first = 0, ""
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
    if first == "" then first = thread:get("first_failure") end
  end
  local e = summary.errors
  failed = failed + e.connect + e.read + e.write + e.timeout
  io.write(string.format("BENCH\t%d\t%.1f\t%.2f\t%.2f\t%d\t%.0f\t%s\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, failed, summary.bytes / math.max(summary.requests, 1), first))
end
