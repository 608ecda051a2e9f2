-- bench/authz/plain.lua: the same request every time (wrk's -H headers),
-- reported by report.lua.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
