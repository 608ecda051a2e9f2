-- bench/authz/apikey.lua: requests signed with an API key. wrk's Lua has
-- no HMAC, so bench/apikey-sign precomputes (nonce, signature) pairs in
-- $BENCH_PAIRS; each thread takes every $BENCH_THREADS-th line and uses
-- each pair once (barong-authorize refuses a replayed nonce). "wraps"
-- counts the times a thread ran out and started over (those requests are
-- then refused as replays).

threads = {}
local count = 0

function setup(thread)
   thread:set("id", count)
   count = count + 1
   table.insert(threads, thread)
end

function init(args)
   local file = os.getenv("BENCH_PAIRS")
   local nthreads = tonumber(os.getenv("BENCH_THREADS"))
   kid = os.getenv("BENCH_KID")
   path = os.getenv("BENCH_PATH")
   list = {}
   local i = 0
   for line in io.lines(file) do
      if i % nthreads == id then
         list[#list + 1] = line
      end
      i = i + 1
   end
   pos = 0
   wraps = 0
end

function request()
   pos = pos + 1
   if pos > #list then
      pos = 1
      wraps = wraps + 1
   end
   local nonce, sig = list[pos]:match("^(%S+) (%S+)$")
   wrk.headers["X-Auth-Apikey"] = kid
   wrk.headers["X-Auth-Nonce"] = nonce
   wrk.headers["X-Auth-Signature"] = sig
   return wrk.format("GET", path)
end

dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
