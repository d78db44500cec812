-- The wrk script for endpoints with a body (scripts/bench): method, content type and the
-- body file come from the environment, so a new endpoint is a row in scripts/bench and a
-- body file in tests/bench/, not a new script.
wrk.method = os.getenv("BENCH_METHOD") or "POST"
wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") or "application/json"
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
