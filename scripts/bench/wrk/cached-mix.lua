-- The cached scenario's mixed load: 19 of every 20 requests GET /links, the 20th POSTs a new
-- link (5 % writes, each one invalidating the list), and every answer is counted by how Nimbus
-- served it (its Nimbus-Cache header). done() prints one CACHE line the runner reads.
-- Usage: wrk -s cached-mix.lua http://host:port/links -- <run-prefix>

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

local prefix = "mix"
local counter = 0
-- Globals, so done() can read them from each thread.
hits, stale, misses, private, writes, other = 0, 0, 0, 0, 0, 0

local read
function init(args)
  prefix = (args[1] or prefix) .. "-" .. tostring(number or 0)
  -- Formatted here, not at load: wrk knows the Host header only once the thread starts.
  read = wrk.format("GET", "/links")
end

function request()
  counter = counter + 1
  if counter % 20 ~= 0 then
    return read
  end
  local body = string.format(
    '{"title":"Mixed load %d","url":"https://bench.example/mix/%s/%d","description":"Created by the cached mix."}',
    counter, prefix, counter)
  return wrk.format("POST", "/links.json", { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  local served = headers["Nimbus-Cache"] or headers["nimbus-cache"]
  if status == 201 then writes = writes + 1
  elseif served == "hit" then hits = hits + 1
  elseif served == "stale" then stale = stale + 1
  elseif served == "miss" then misses = misses + 1
  elseif served == "private" then private = private + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local total = { hits = 0, stale = 0, misses = 0, private = 0, writes = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for name, _ in pairs(total) do
      total[name] = total[name] + (thread:get(name) or 0)
    end
  end
  io.write(string.format("CACHE hits=%d stale=%d misses=%d private=%d writes=%d other=%d\n",
    total.hits, total.stale, total.misses, total.private, total.writes, total.other))
end
