-- wrk script of scripts/bench: GET /api/v1/certificates/<number> with a different number
-- each time, picked at random from the file BENCH_NUMBERS (one number a line), so most reads
-- miss the server's cache of public records (the "uncached" figure of issue 21).
local numbers = {}
for line in io.lines(os.getenv("BENCH_NUMBERS")) do numbers[#numbers + 1] = line end
math.randomseed(os.time())
request = function()
    return wrk.format("GET", "/api/v1/certificates/" .. numbers[math.random(#numbers)])
end
