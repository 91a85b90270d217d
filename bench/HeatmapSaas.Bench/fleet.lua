-- A fleet's gateways for wrk (bench --scenario fleet): each request is the next store's next 20-event batch, stores
-- in turn, a batch id nobody used before. Arguments after `--`: stores, threads, run (a prefix that keeps batch ids
-- unique across the warm-up and measured runs), path prefix (the store number and "/events" follow it).
-- Results: done() prints one JSON line that the bench reads.

local thread_count = 0
local threads = {}

function setup(thread)
    thread:set("thread_index", thread_count)
    thread_count = thread_count + 1
    table.insert(threads, thread)
end

local stores, step, run, prefix
local sent = 0
local events_second, events = nil, {}

function init(args)
    stores = tonumber(args[1])
    step = tonumber(args[2])
    run = args[3]
    prefix = args[4]
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    failures = 0
    first_failure = ""
end

-- The 20 positions of a store's four visitors, stamped a second ago; the positions repeat every 120 batches, so
-- the event text is built 120 times a second at most, not per request.
local function batch_events(sequence)
    local now = os.time()
    if now ~= events_second then
        events_second, events = now, {}
    end
    local variant = sequence % 120
    local text = events[variant]
    if text == nil then
        local ts = os.date("!%Y-%m-%dT%H:%M:%S.000Z", now - 1)
        local parts = {}
        for i = 0, 19 do
            local x = (variant * 7 + i * 3) % 40 + 0.5
            local y = (variant * 5 + i * 11) % 30 + 0.5
            parts[#parts + 1] = string.format('{"type":"position","track_id":"v%d","ts":"%s","x":%.1f,"y":%.1f}', i % 4, ts, x, y)
        end
        text = table.concat(parts, ",")
        events[variant] = text
    end
    return text
end

function request()
    local n = thread_index + sent * step
    sent = sent + 1
    local store = n % stores
    local sequence = math.floor(n / stores)
    local body = '{"batch_id":"' .. run .. '-' .. n .. '","gateway_id":"gw-' .. store .. '","events":[' .. batch_events(sequence) .. ']}'
    return wrk.format(nil, prefix .. store .. "/events", nil, body)
end

function response(status, headers, body)
    if status ~= 202 then
        failures = failures + 1
        if first_failure == "" then
            first_failure = status .. ": " .. string.sub(body or "", 1, 300)
        end
    end
end

function done(summary, latency, requests)
    local failed = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
    local first = ""
    for _, thread in ipairs(threads) do
        failed = failed + thread:get("failures")
        local f = thread:get("first_failure")
        if first == "" and f ~= nil then
            first = f
        end
    end
    first = string.gsub(first, '[%c"\\]', " ")
    io.write(string.format('FLEET {"requests":%d,"failed":%d,"duration_us":%d,"p50_us":%d,"p99_us":%d,"first_failure":"%s"}\n',
        summary.requests, failed, summary.duration, latency:percentile(50), latency:percentile(99), first))
end
