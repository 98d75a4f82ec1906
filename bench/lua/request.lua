-- wrk script: one request shape from environment variables set by bench/run.py, and a count of
-- every response status, printed at the end ("status <code> <count>") so the runner can check
-- that every single response was the expected one.
--   BENCH_METHOD, BENCH_BODY (each "{uuid}" becomes a fresh UUID per request, as a browser's
--   one-time form token would, and such a request comes from a client address of its own, in
--   X-Forwarded-For: many patients, not one sending thousands), BENCH_HEADERS ("Name: value"
--   lines separated by "\n").
local threads = {}
local counter = 0
local thread_id = 0
local next_thread = 0
local body_template = nil
statuses = {}  -- global: done() reads it from each thread

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
  table.insert(threads, thread)
end

function init(args)
  thread_id = tid or 0
  math.randomseed(os.time() + thread_id * 7919)
  wrk.method = os.getenv("BENCH_METHOD") or "GET"
  local headers = os.getenv("BENCH_HEADERS") or ""
  for line in string.gmatch(headers, "[^\n]+") do
    local name, value = string.match(line, "^([^:]+):%s*(.*)$")
    if name then wrk.headers[name] = value end
  end
  body_template = os.getenv("BENCH_BODY")
  if body_template == "" then body_template = nil end
end

local function uuid()
  -- Unique per thread and request (thread id and counter), random elsewhere: a valid UUID4.
  return string.format("%08x-%04x-4%03x-%04x-%04x%08x", math.random(0, 0x7fffffff),
    math.random(0, 0xffff), math.random(0, 0xfff), 0x8000 + math.random(0, 0x3fff),
    thread_id, counter)
end

function request()
  counter = counter + 1
  if body_template then
    local body, forms = string.gsub(body_template, "{uuid}", uuid)
    if forms > 0 then
      local headers = {}
      for name, value in pairs(wrk.headers) do headers[name] = value end
      headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", thread_id % 256,
        math.floor(counter / 256) % 256, counter % 256)
      return wrk.format(nil, nil, headers, body)
    end
    return wrk.format(nil, nil, nil, body)
  end
  return wrk.format(nil)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local totals = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, count in pairs(counts) do
      totals[status] = (totals[status] or 0) + count
    end
  end
  for status, count in pairs(totals) do
    io.write(string.format("status %d %d\n", status, count))
  end
end
