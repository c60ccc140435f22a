"""The alerting benchmark's moving parts (driven by scripts/lib/bench-alerts.sh).

  fake-telegram PORT OUT     a Bot API double: answers every call, and appends "<monotonic-ns> <marker>"
                             to OUT for each sendMessage whose text holds a probe marker (probe-<n>).
  probe URL TOKEN SECONDS RATE TG_OUT
                             posts background traffic of RATE info events/s (1000-event NDJSON bodies) and,
                             every 1.2 s, one critical event with a new error type (group_wait 0); prints
                             "BENCH sent=N p50_ms=.. p99_ms=.. max_ms=.. background_eps=.." where each delay is
                             from the probe's 202 to the fake Telegram receiving its sendMessage.
"""
import http.client
import http.server
import json
import os
import sys
import threading
import time
import urllib.parse


def fake_telegram(port: int, out: str) -> None:
    lock = threading.Lock()
    counter = [100]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            now = time.monotonic_ns()
            try:
                text = json.loads(body).get("text", "")
            except ValueError:
                text = ""
            marker = next((w for w in text.replace("<", " ").replace(">", " ").split() if w.startswith("probe-")), None)
            with lock:
                counter[0] += 1
                message_id = counter[0]
                if marker and self.path.endswith("/sendMessage"):
                    with open(out, "a") as f:
                        f.write(f"{now} {marker}\n")
            answer = json.dumps({"ok": True, "result": {"message_id": message_id}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


def post(conn: http.client.HTTPConnection, token: str, body: bytes) -> int:
    conn.request("POST", "/api/v1/logs", body=body,
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"})
    response = conn.getresponse()
    response.read()
    return response.status


def probe(url: str, token: str, seconds: float, rate: int, tg_out: str) -> None:
    parsed = urllib.parse.urlparse(url)
    host, port = parsed.hostname, parsed.port
    stop = time.monotonic() + seconds
    background = [0]

    def traffic():
        if rate <= 0:
            return
        conn = http.client.HTTPConnection(host, port, timeout=30)
        line = b'{"level":"info","message":"background request handled in 12 ms","service":"bench-bg"}\n'
        body = line * 1000
        interval = 1000.0 / rate
        next_at = time.monotonic()
        while time.monotonic() < stop:
            if post(conn, token, body) == 202:
                background[0] += 1000
            next_at += interval
            delay = next_at - time.monotonic()
            if delay > 0:
                time.sleep(delay)

    workers = [threading.Thread(target=traffic, daemon=True) for _ in range(4 if rate >= 20000 else 1)]
    if rate >= 20000:
        rate //= 4
    for w in workers:
        w.start()
    conn = http.client.HTTPConnection(host, port, timeout=30)
    sent = {}
    n = 0
    # A new group per probe, also across runs against the same database (an old group would be edited, not sent).
    run = time.time_ns() // 1_000_000
    while time.monotonic() < stop - 3:
        n += 1
        marker = f"probe-{run}-{n}"
        body = json.dumps({"level": "critical", "message": f"{marker} database unreachable",
                           "error.type": f"Probe{run}x{n}Error", "service": "bench-probe"}).encode() + b"\n"
        status = post(conn, token, body)
        if status == 202:
            sent[marker] = time.monotonic_ns()
        time.sleep(1.2)
    for w in workers:
        w.join()
    time.sleep(3)
    received = {}
    if os.path.exists(tg_out):
        for line in open(tg_out):
            at, marker = line.split()
            received.setdefault(marker, int(at))
    delays = sorted((received[m] - t) / 1e6 for m, t in sent.items() if m in received)
    if not delays:
        print(f"BENCH sent={len(sent)} received=0 background_eps={background[0] / seconds:.0f}")
        return
    p = lambda q: delays[min(len(delays) - 1, int(q * len(delays)))]
    print(f"BENCH sent={len(sent)} received={len(delays)} p50_ms={p(0.5):.1f} p99_ms={p(0.99):.1f} max_ms={delays[-1]:.1f} "
          f"background_eps={background[0] / seconds:.0f}")


if __name__ == "__main__":
    if sys.argv[1] == "fake-telegram":
        fake_telegram(int(sys.argv[2]), sys.argv[3])
    elif sys.argv[1] == "probe":
        probe(sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
