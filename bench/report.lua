-- wrk reporter: requests/s, p50/p95/p99 latency and responses outside 2xx.
-- Each wrk thread has its own Lua state, so the non-2xx count is summed in done().

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
  end
end

function done(summary, latency, requests)
  local non_2xx = 0
  for _, thread in ipairs(threads) do
    non_2xx = non_2xx + thread:get("non2xx")
  end
  local seconds = summary.duration / 1e6
  local errors = summary.errors
  io.write("---- summary\n")
  io.write(string.format("requests:     %d in %.1fs\n", summary.requests, seconds))
  io.write(string.format("requests/s:   %.1f\n", summary.requests / seconds))
  io.write(string.format("latency p50:  %.1f ms\n", latency:percentile(50) / 1000))
  io.write(string.format("latency p95:  %.1f ms\n", latency:percentile(95) / 1000))
  io.write(string.format("latency p99:  %.1f ms\n", latency:percentile(99) / 1000))
  io.write(string.format("non-2xx:      %d\n", non_2xx))
  io.write(string.format("socket errors: connect %d, read %d, write %d, timeout %d\n",
    errors.connect, errors.read, errors.write, errors.timeout))
end
