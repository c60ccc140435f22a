"""The operations benchmark's moving parts (driven by scripts/lib/bench-operations.sh).

  fake-core PORT LATENCY_MS   a CORE double for top-ups (docs/core-api.yaml): idempotent by key, answers
                              201 after LATENCY_MS; records how long it held each request (by the
                              top-up's reason) and serves that at GET /bench/core-times.
  run URL TOKEN SECONDS WORKERS CORE_URL
                              WORKERS threads post top-ups (new request_id each, under the approval
                              threshold) for SECONDS; prints "BENCH ops=N ops_per_s=.. p50_ms=.. p99_ms=..
                              hub_p50_ms=.. hub_p99_ms=.. errors=N" where hub_* is the hub's own share:
                              each request's round trip minus the time CORE held it.
"""
import http.client
import http.server
import json
import sys
import threading
import time
import urllib.parse
import uuid


def fake_core(port: int, latency_ms: float) -> None:
    lock = threading.Lock()
    stored = {}
    core_times = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in separate writes: without this, Nagle + the client's delayed ACK
        # add ~40 ms to every answer on a reused connection (measured), which is not CORE's time.
        disable_nagle_algorithm = True

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/bench/core-times":
                with lock:
                    self.answer(200, core_times)
                return
            if self.path.startswith("/internal/v1/idempotency/"):
                key = self.path.rsplit("/", 1)[1]
                with lock:
                    found = stored.get(key)
                if found:
                    self.answer(200, {"idempotency_key": key, "http_status": 201, "body": found})
                else:
                    self.answer(404, {"error": "not_found", "message": "never applied"})
                return
            self.answer(404, {"error": "not_found", "message": self.path})

        def do_POST(self):
            started = time.monotonic_ns()
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
            key = self.headers.get("Idempotency-Key", "")
            with lock:
                found = stored.get(key)
            if found is None:
                if latency_ms > 0:
                    time.sleep(latency_ms / 1000)
                found = {"operation_id": key[:12], "status": "applied", "result": {"movement_id": key[:12]}}
                with lock:
                    stored[key] = found
            self.answer(201, found)
            with lock:
                core_times[body.get("reason", "")] = (time.monotonic_ns() - started) / 1000

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


def percentile(values, p):
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def run(url: str, token: str, seconds: float, workers: int, core_url: str) -> None:
    parsed = urllib.parse.urlparse(url)
    results = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        mine = []
        while time.monotonic() < deadline:
            request_id = str(uuid.uuid4())
            reason = "bench " + request_id
            body = json.dumps({"operation": "top_up", "request_id": request_id,
                               "params": {"shop_id": "bench-shop", "amount": "1.00", "currency": "RUB", "reason": reason}})
            started = time.monotonic_ns()
            conn.request("POST", "/api/v1/operations", body=body,
                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            mine.append((reason, (time.monotonic_ns() - started) / 1000, response.status))
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    core = urllib.parse.urlparse(core_url)
    conn = http.client.HTTPConnection(core.hostname, core.port, timeout=30)
    conn.request("GET", "/bench/core-times")
    core_times = json.loads(conn.getresponse().read())
    ok = [(r, us) for r, us, status in results if status == 200]
    round_trips = [us / 1000 for _, us in ok]
    hub_share = [(us - core_times[r]) / 1000 for r, us in ok if r in core_times]
    print(f"BENCH ops={len(ok)} ops_per_s={len(ok) / elapsed:.0f} p50_ms={percentile(round_trips, 50):.2f} "
          f"p99_ms={percentile(round_trips, 99):.2f} hub_p50_ms={percentile(hub_share, 50):.2f} "
          f"hub_p99_ms={percentile(hub_share, 99):.2f} errors={len(results) - len(ok)}")


if __name__ == "__main__":
    if sys.argv[1] == "fake-core":
        fake_core(int(sys.argv[2]), float(sys.argv[3]))
    elif sys.argv[1] == "run":
        run(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    else:
        sys.exit(__doc__)
