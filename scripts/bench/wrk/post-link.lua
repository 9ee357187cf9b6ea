-- POST /links.json with a new link each time: url is unique in the schema, so every body
-- carries a fresh one (run prefix from the runner, thread number, counter).
-- Usage: wrk -s post-link.lua http://host:port/links.json -- <run-prefix>

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
end

local prefix = "run"
local counter = 0
function init(args)
  prefix = (args[1] or prefix) .. "-" .. tostring(number or 0)
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function request()
  counter = counter + 1
  local body = string.format(
    '{"title":"Benchmark link %d","url":"https://bench.example/%s/%d","description":"Created by the create scenario."}',
    counter, prefix, counter)
  return wrk.format(nil, nil, nil, body)
end
