-- wrk script for scripts/bench: POSTs one NDJSON body to /api/v1/logs with an ingest token and
-- counts the answers that are not 202, so that only acknowledged (durable) events are reported.
-- Environment: BENCH_BODY (path of the NDJSON body), BENCH_TOKEN (the ingest token); for other inputs
-- (scripts/bench shipping) BENCH_CONTENT_TYPE and BENCH_OK_STATUS (200 for Elasticsearch `_bulk`, whose
-- answers then also count as failed when an item failed: `"errors":true`); BENCH_PACE_INTERVAL_US (below).
local path = assert(os.getenv("BENCH_BODY"), "BENCH_BODY is not set")
local token = assert(os.getenv("BENCH_TOKEN"), "BENCH_TOKEN is not set")
local file = assert(io.open(path, "rb"))
local body = file:read("*a")
file:close()

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = os.getenv("BENCH_CONTENT_TYPE") or "application/x-ndjson"
local ok_status = tonumber(os.getenv("BENCH_OK_STATUS") or "202")
-- OTLP answers a full success with an empty ExportLogsServiceResponse; a body is a partial success.
local empty_when_ok = wrk.headers["Content-Type"] == "application/x-protobuf"
wrk.headers["Authorization"] = "Bearer " .. token

-- BENCH_PACE_INTERVAL_US (scripts/bench's BENCH_RATE): each thread sends on a schedule of its own, one
-- request every so many µs from its first, instead of as fast as answers come back. A slot missed
-- while all of the thread's connections wait for answers is sent as soon as one is free, so the rate
-- holds while the hub keeps up and what was acknowledged says so when it does not.
local pace_us = tonumber(os.getenv("BENCH_PACE_INTERVAL_US") or "")
if pace_us then
  local ffi = require("ffi")
  ffi.cdef [[
    struct bench_timespec { long tv_sec; long tv_nsec; };
    int clock_gettime(int clock, struct bench_timespec *now);
  ]]
  local now = ffi.new("struct bench_timespec")
  local function now_us()
    ffi.C.clock_gettime(1, now) -- CLOCK_MONOTONIC
    return tonumber(now.tv_sec) * 1e6 + tonumber(now.tv_nsec) / 1e3
  end
  local next_us
  -- wrk asks before each request how many milliseconds to wait.
  function delay()
    local t = now_us()
    next_us = next_us or t
    local wait_ms = math.max(0, (next_us - t) / 1e3)
    next_us = next_us + pace_us
    return math.floor(wait_ms)
  end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non202 = 0
  statuses = {}
end

function response(status, headers, body)
  if status ~= ok_status or (ok_status == 200 and body and body:find('"errors":true', 1, true))
      or (empty_when_ok and body and #body > 0) then
    non202 = non202 + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local bad, by_status = 0, {}
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non202")
    for status, n in pairs(thread:get("statuses")) do
      by_status[status] = (by_status[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(by_status) do table.insert(parts, status .. ":" .. n) end
  local e = summary.errors
  -- One machine-readable line for scripts/bench to parse.
  io.write(string.format(
    "BENCH requests=%d non202=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d statuses=%s\n",
    summary.requests, bad, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, table.concat(parts, ",")))
end
