-- wrk script for bench/checkout.sh: completes one pre-made cart per request and counts the answers
-- that failed. BENCH_DATA names a Lua file written by checkout.sh that returns { path, host,
-- token, query and input (both JSON-encoded), pool (a name unique to this run and pool, for the
-- keys), cycle, carts }; BENCH_THREADS is wrk's -t.
--
-- A checkout consumes its cart, so no cart is used twice: thread t takes carts t+1, t+1+T,
-- t+1+2T, ... (T threads), and every request carries a fresh idempotency key. A thread that runs
-- out of carts sends GET /healthz instead (unless `cycle` is set, for the baseline, which consumes
-- nothing: then it starts the list again), which fails the check below and is reported as running
-- out (raise BENCH_CARTS_PER_SECOND). An answer fails unless it is 200 with an order, an empty
-- userErrors list and no "errors"; done() prints one BENCH line that checkout.sh parses.

dofile("bench/threads.lua")

function init(args)
  stride = tonumber(os.getenv("BENCH_THREADS") or "1")
  cart = id + 1 - stride
  sent = 0
  ran_out = 0
  failures = 0
  first_failure = ""
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Host"] = data.host
  wrk.headers["X-Shopify-Storefront-Access-Token"] = data.token
end

function request()
  cart = cart + stride
  if cart > #data.carts and data.cycle then
    cart = id + 1
  end
  if cart > #data.carts then
    ran_out = ran_out + 1
    return wrk.format("GET", "/healthz")
  end
  sent = sent + 1
  local key = data.pool .. "-" .. id .. "-" .. sent
  local body = '{"query":' .. data.query .. ',"variables":{"cartId":"' .. data.carts[cart]
    .. '","idempotencyKey":"' .. key .. '","input":' .. data.input .. '}}'
  return wrk.format("POST", data.path, nil, body)
end

function response(status, headers, body)
  if status ~= 200 or body:find('"errors"', 1, true) or not body:find('"order":{', 1, true)
      or not body:find('"userErrors":[]', 1, true) then
    failures = failures + 1
    if first_failure == "" then
      first_failure = status .. " " .. body:sub(1, 300):gsub("%s+", " ")
    end
  end
end

function done(summary, latency, requests)
  local failed, first, ran_out_total = 0, "", 0
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
    ran_out_total = ran_out_total + thread:get("ran_out")
    if first == "" then first = thread:get("first_failure") end
  end
  if ran_out_total > 0 then
    first = "ran out of carts (" .. ran_out_total .. " requests without one): raise BENCH_CARTS_PER_SECOND"
  end
  -- Socket errors and timeouts are failures too; bad answers were counted above.
  local e = summary.errors
  failed = failed + e.connect + e.read + e.write + e.timeout
  io.write(string.format("BENCH\t%d\t%.1f\t%.2f\t%.2f\t%d\t%s\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, failed, first))
end
