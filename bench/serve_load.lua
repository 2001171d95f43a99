-- wrk script for bench/bench_serve.sh: every request POSTs a JSON body to /translate, cycling
-- through the bodies in the file named by the BODIES environment variable (one per line),
-- each wrk thread starting at a different line; counts answers that are not HTTP 200.
local bodies = {}
local next_body = 1
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("start", thread_count)
end

function init(args)
  for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end
  next_body = (start * 97) % #bodies + 1
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format(nil, "/translate", nil, body)
end

bad = 0
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.2f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f " ..
                         "mean_ms=%.1f errors=%d\n",
                         summary.requests, summary.duration / 1e6,
                         latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
                         latency:percentile(99) / 1e3, latency.mean / 1e3,
                         summary.errors.connect + summary.errors.read + summary.errors.write +
                           summary.errors.status + summary.errors.timeout))
end
