-- Shared by every scenario (prepended to it): numbers each thread, sums the
-- threads' counters and prints one JSON line the harness reads.

local threads = {}

function setup(thread)
   thread:set("thread_number", #threads + 1)
   table.insert(threads, thread)
end

-- Each scenario counts what it cares about here (per thread).
counters = {}

function count(name)
   counters[name] = (counters[name] or 0) + 1
end

-- wrk.format with wrk's own headers (-H ...) plus `extra`.
function format(method, path, extra, body)
   local headers = {}
   for name, value in pairs(wrk.headers) do
      headers[name] = value
   end
   for name, value in pairs(extra or {}) do
      headers[name] = value
   end
   return wrk.format(method, path, headers, body)
end

function seed_random()
   -- Threads must not all draw the same "random" sequence.
   math.randomseed(os.time() * 1000 + (thread_number or 0) * 7919)
end

function done(summary, latency, requests)
   local totals = {}
   for _, thread in ipairs(threads) do
      for name, value in pairs(thread:get("counters") or {}) do
         totals[name] = (totals[name] or 0) + value
      end
   end
   local parts = {}
   for name, value in pairs(totals) do
      table.insert(parts, string.format('"%s":%d', name, value))
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"p50":%d,"p90":%d,"p99":%d,"mean":%.1f,"max":%d},' ..
      '"counters":{%s}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.mean, latency.max, table.concat(parts, ",")))
end
