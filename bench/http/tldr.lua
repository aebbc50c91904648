-- GET /tldr/{id} over lots 1..BENCH_LOTS (default 3000), key from BENCH_API_KEY.
-- Run: BENCH_API_KEY=... wrk -t2 -c16 -d8s --latency -s bench/http/tldr.lua http://127.0.0.1:PORT
wrk.headers["X-API-Key"] = os.getenv("BENCH_API_KEY")
local lots = tonumber(os.getenv("BENCH_LOTS") or "3000")
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", "/tldr/" .. ((counter % lots) + 1))
end
