-- bench/authz/report.lua: wrk's done() for bench/authz/run, one line:
--   RESULT <requests/s> <p50 ms> <p99 ms> <requests> <non-2xx/3xx> <socket errors> <nonce wraps>
-- (wrk counts answers other than 2xx and 3xx in errors.status.)

threads = threads or {}

function done(summary, latency, requests)
   local secs = summary.duration / 1e6
   local e = summary.errors
   local wraps = 0
   for _, t in ipairs(threads) do
      wraps = wraps + (t:get("wraps") or 0)
   end
   io.write(string.format("RESULT %.1f %.3f %.3f %d %d %d %d\n",
      summary.requests / secs,
      latency:percentile(50) / 1000, latency:percentile(99) / 1000,
      summary.requests, e.status, e.connect + e.read + e.write + e.timeout,
      wraps))
end
