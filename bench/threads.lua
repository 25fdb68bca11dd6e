-- What the wrk scripts of bench/ share (each loads it with dofile; the benchmarks run from the
-- repository's root): the data file named by BENCH_DATA, and wrk's threads, each numbered (`id`,
-- from 0, set before its init runs) and kept in `threads` for done() to read their counts.

data = dofile(os.getenv("BENCH_DATA"))
threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
