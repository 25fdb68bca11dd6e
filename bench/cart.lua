-- wrk script for bench/cart.sh: posts one GraphQL operation per request and counts the answers
-- that failed. BENCH_DATA names a Lua file written by cart.sh that returns { path, host, token,
-- query (the JSON-encoded document), carts, variants, hot }; BENCH_THREADS is wrk's -t.
--
-- Cart ids go round-robin, each wrk thread starting at its own share of the list, so concurrent
-- requests rarely touch one cart; the variant is `hot` when set, else random among `variants`.
-- An answer fails when its status is not 200 or its body holds "errors" or a non-empty
-- userErrors or warnings list; done() prints one BENCH line that cart.sh parses.

dofile("bench/threads.lua")

function init(args)
  local share = math.floor(#data.carts / tonumber(os.getenv("BENCH_THREADS") or "1"))
  cart = (id * share) % #data.carts
  failures = 0
  first_failure = ""
  math.randomseed(os.time() + id)
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Host"] = data.host
  wrk.headers["X-Shopify-Storefront-Access-Token"] = data.token
end

function request()
  cart = cart % #data.carts + 1
  local variant = data.hot or data.variants[math.random(#data.variants)]
  local body = '{"query":' .. data.query .. ',"variables":{"cartId":"' .. data.carts[cart]
    .. '","lines":[{"merchandiseId":"' .. variant .. '","quantity":1}]}}'
  return wrk.format("POST", data.path, nil, body)
end

function response(status, headers, body)
  if status ~= 200 or body:find('"errors"', 1, true) or body:find('"userErrors":[{', 1, true)
      or body:find('"warnings":[{', 1, true) then
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
  -- Socket errors and timeouts are failures too; bad statuses were counted above.
  local e = summary.errors
  failed = failed + e.connect + e.read + e.write + e.timeout
  io.write(string.format("BENCH\t%d\t%.1f\t%.2f\t%.2f\t%d\t%s\n", summary.requests,
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, failed, first))
end
