-- The cluster's mixed load: search, the lot page (web session), TL;DR, calculators, RNU check and
-- risk explanation, with keys of every plan, paced like people who read what they asked for.
-- Every request names its route and key in X-Bench-Route / X-Bench-Key for nginx's log, which is
-- where bench/cluster/report takes the latencies from.
-- Environment: BENCH_KEYS "plan:label:key,..." (weights below pick the plan), BENCH_SESSION the
-- cookie of a logged-in session, BENCH_LOTS, BENCH_BINS "bin,...", BENCH_WORDS "word,..."
-- (percent-encoded), BENCH_PAUSE_MS the mean pause between a connection's requests.

local function split(text, sep)
  local out = {}
  for part in string.gmatch(text or "", "([^" .. sep .. "]+)") do out[#out + 1] = part end
  return out
end

local keys = { service = {}, premium = {}, free = {} }
for _, entry in ipairs(split(os.getenv("BENCH_KEYS"), ",")) do
  local plan, label, key = string.match(entry, "^(%w+):([%w%-]+):(.+)$")
  table.insert(keys[plan], { label = label, key = key })
end
local session = os.getenv("BENCH_SESSION")
local lots = tonumber(os.getenv("BENCH_LOTS") or "1000")
local bins = split(os.getenv("BENCH_BINS"), ",")
local words = split(os.getenv("BENCH_WORDS"), ",")
local pause = tonumber(os.getenv("BENCH_PAUSE_MS") or "0")

local calcs = {
  { "vat", '{"amount":1160,"date":"2026-01-01"}' },
  { "margin", '{"lot_price":1160,"cost":700,"logistics":100}' },
  { "penalty", '{"contract_sum":1000000,"due_date":"2026-03-01","performed_on":"2026-04-15"}' },
  { "securities", '{"method":"price_offers","amount":5000000}' },
  { "dumping", '{"method":"tender","amount":10000000,"bid":8500000}' },
}

-- Route weights out of 100, and plan weights for the key that asks.
local routes = { { "search", 25 }, { "lot_page", 10 }, { "tldr", 15 }, { "calc", 25 }, { "rnu", 10 }, { "risk_explain", 15 } }
local plans = { { "service", 80 }, { "premium", 12 }, { "free", 8 } }

local function pick(weighted)
  local r = math.random(100)
  for _, entry in ipairs(weighted) do
    r = r - entry[2]
    if r <= 0 then return entry[1] end
  end
  return weighted[#weighted][1]
end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
end

function delay()
  if pause <= 0 then return 0 end
  return math.floor(pause * (0.5 + math.random()))  -- uniform in [0.5, 1.5) of the mean
end

function request()
  local route = pick(routes)
  local lot = math.random(lots)
  local headers = { ["X-Bench-Route"] = route }
  if route == "lot_page" then
    headers["Cookie"] = session
    headers["X-Bench-Key"] = "session"
    return wrk.format("GET", "/app/lots/" .. lot, headers)
  end
  local plan = pick(plans)
  local key = keys[plan][math.random(#keys[plan])]
  headers["X-API-Key"] = key.key
  headers["X-Bench-Key"] = key.label
  if route == "search" then
    return wrk.format("GET", "/search/lots?q=" .. words[math.random(#words)] .. "&limit=20", headers)
  elseif route == "tldr" then
    return wrk.format("GET", "/tldr/" .. lot, headers)
  elseif route == "calc" then
    local calc = calcs[math.random(#calcs)]
    headers["Content-Type"] = "application/json"
    headers["X-Bench-Route"] = "calc_" .. calc[1]
    return wrk.format("POST", "/calc/" .. calc[1], headers, calc[2])
  elseif route == "rnu" then
    return wrk.format("GET", "/risk/validate_rnu/" .. bins[math.random(#bins)], headers)
  end
  return wrk.format("GET", "/risk/explain/" .. lot, headers)
end
