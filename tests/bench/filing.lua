-- wrk script: filings, each = create (POST /api/v1/applications) + six uploads + submit, in
-- sequence on one connection. Run with as many threads as connections (-tN -cN) so that each
-- thread's state belongs to one connection. BENCH_TOKEN: a manufacturer's Bearer token.
-- done() prints "filings <n> broken <m>" (a filing is broken when any step did not answer as
-- expected; wrk's own count of non-2xx responses says which).
local token = os.getenv("BENCH_TOKEN") or ""
local kinds = {"outline", "test_report", "external_view", "connection_diagram", "block_diagram",
               "manual"}
local B = "gk-bench-boundary"
local app_body = '{"route": "conformity", "device": {"model_name": "wrk filing", "type_name":'
    .. ' "WF-1", "category": "router", "facts": {"directly_connectable": true,'
    .. ' "data_transmission_facility": true, "uses_ip": true, "remotely_configurable": true,'
    .. ' "user_installable_security_software": false}}, "declarations": {"SR-1": {"description":'
    .. ' "A password is asked."}, "SR-2": {"measure": "unique_per_device", "description":'
    .. ' "Printed per unit."}, "SR-3": {"description": "Signed updates."}, "SR-4":'
    .. ' {"description": "Kept in flash."}}}'
local uploads = {}
for i, k in ipairs(kinds) do
    uploads[i] = "--" .. B .. '\r\nContent-Disposition: form-data; name="kind"\r\n\r\n' .. k
        .. "\r\n--" .. B .. '\r\nContent-Disposition: form-data; name="confidentiality"\r\n\r\n'
        .. "confidential\r\n--" .. B .. '\r\nContent-Disposition: form-data; name="file";'
        .. ' filename="' .. k .. '.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7 ' .. k
        .. " " .. string.rep("x", 2000) .. "\n%%EOF\r\n--" .. B .. "--\r\n"
end
local json_h = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
local mp_h = {["Authorization"] = "Bearer " .. token,
              ["Content-Type"] = "multipart/form-data; boundary=" .. B}

step, app, filings, broken = 0, nil, 0, 0

request = function()
    if step == 0 then
        return wrk.format("POST", "/api/v1/applications", json_h, app_body)
    elseif step <= 6 then
        return wrk.format("POST", "/api/v1/applications/" .. app .. "/documents", mp_h,
                          uploads[step])
    end
    return wrk.format("POST", "/api/v1/applications/" .. app .. "/submit", json_h, "{}")
end

response = function(status, headers, body)
    if step == 0 then
        if status == 201 then
            app = body:match('"id"%s*:%s*"([^"]+)"')
            step = 1
        else
            broken = broken + 1
        end
    elseif step <= 6 then
        if status == 201 then step = step + 1 else broken = broken + 1; step = 0 end
    else
        if status == 200 then filings = filings + 1 else broken = broken + 1 end
        step = 0
    end
end

local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
    local f, b = 0, 0
    for _, t in ipairs(threads) do
        f = f + t:get("filings")
        b = b + t:get("broken")
    end
    io.write(string.format("filings %d broken %d\n", f, b))
end
