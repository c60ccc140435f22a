-- wrk script for scripts/bench: POSTs one NDJSON body to /api/v1/logs with an ingest token and
-- counts the answers that are not 202, so that only acknowledged (durable) events are reported.
-- Environment: BENCH_BODY (path of the NDJSON body), BENCH_TOKEN (the ingest token); for other inputs
-- (scripts/bench shipping) BENCH_CONTENT_TYPE and BENCH_OK_STATUS (200 for Elasticsearch `_bulk`, whose
-- answers then also count as failed when an item failed: `"errors":true`).
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
