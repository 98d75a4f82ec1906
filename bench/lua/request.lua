-- wrk script: one request shape from environment variables set by bench/run.py.
--   BENCH_METHOD, BENCH_BODY (may contain {n}, replaced by a per-request counter), BENCH_HEADERS
--   ("Name: value" lines separated by "\n").
local counter = 0
local thread_id = 0
local next_thread = 0

function setup(thread)
  thread:set("tid", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  math.randomseed(os.time() + (tid or 0) * 7919)
  thread_id = tid or 0
  wrk.method = os.getenv("BENCH_METHOD") or "GET"
  local headers = os.getenv("BENCH_HEADERS") or ""
  for line in string.gmatch(headers, "[^\n]+") do
    local name, value = string.match(line, "^([^:]+):%s*(.*)$")
    if name then wrk.headers[name] = value end
  end
end

function request()
  counter = counter + 1
  local body = os.getenv("BENCH_BODY")
  if body and body ~= "" then
    local unique = string.format("%d-%d-%d", thread_id, counter, math.random(1, 1000000000))
    local uuid = string.format("%08x-%04x-4%03x-%04x-%012x", math.random(0, 0x7fffffff),
      math.random(0, 0xffff), math.random(0, 0xfff), 0x8000 + math.random(0, 0x3fff),
      thread_id * 0x10000000 + counter)
    body = string.gsub(body, "{n}", unique)
    body = string.gsub(body, "{uuid}", uuid)
    return wrk.format(nil, nil, nil, body)
  end
  return wrk.format(nil)
end

local bad = 0
function response(status, headers, body)
  if status >= 400 then bad = bad + 1 end
end
