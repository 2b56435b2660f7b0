-- Shared by every wrk run of the benchmark.
-- Arguments after `--`: [method] [body-file] [paths-file]
--   method     GET (default) or POST
--   body-file  form-encoded body sent with every POST
--   paths-file one "path<TAB>cookie" per line: each request takes the next line (round robin),
--              so that a POST that changes state (submit an attempt) hits a fresh object
--   threads    wrk's -t: thread k takes lines k, k + n, ... (every line is sent once per pass)
-- done() prints one line "BENCHJSON {...}" with counts and latency percentiles (microseconds).

local method = "GET"
local body = nil
local lines = {}
local counter = 0

-- Each wrk thread has its own Lua state, so a shared counter is impossible: instead thread k
-- of n takes only the lines k, k + n, k + 2n... (one connection set per slice of the
-- rotation). Before, both threads walked the whole list and every POST path was sent twice
-- (the second copy of a submit answered 409 and was counted as an error).
local thread_count = 0
setup = function(thread)
  thread:set("thread_id", thread_count)
  thread_count = thread_count + 1
end

local function read_file(name)
  local f = assert(io.open(name, "r"))
  local text = f:read("*a")
  f:close()
  return text
end

init = function(args)
  method = args[1] or "GET"
  if args[2] and args[2] ~= "" and args[2] ~= "-" then
    body = read_file(args[2])
  end
  local threads = tonumber(args[4] or "1") or 1
  local mine = thread_id or 0
  if args[3] and args[3] ~= "" then
    local index = 0
    for line in io.lines(args[3]) do
      local path, cookie, token = line:match("^([^\t]+)\t([^\t]*)\t?([^\t]*)$")
      if path then
        if index % threads == mine then
          table.insert(lines, {path = path, cookie = cookie, token = token})
        end
        index = index + 1
      end
    end
  end
  wrk.method = method
  if #lines == 0 then
    request = nil -- a static request: wrk builds it once, cheapest for the load generator
  end
  if body then
    wrk.body = body
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
end

request = function()
  if #lines == 0 then
    return wrk.format(nil, nil, nil, body)
  end
  counter = counter + 1
  local item = lines[(counter - 1) % #lines + 1]
  local headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  if item.cookie ~= "" then headers["Cookie"] = item.cookie end
  if item.token ~= "" then headers["X-CSRFToken"] = item.token end
  return wrk.format(method, item.path, headers, body)
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
