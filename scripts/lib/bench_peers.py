"""scripts/bench --peers and --with-areas: the moving parts that are not the hub (run with .venv's python).

  sender-check BODY SECONDS CONNECTIONS
        the sender's own ceiling: CONNECTIONS threads sendall BODY again and again for SECONDS into a
        discard server in a child process (recv into one buffer, nothing else); prints
        "SENDER events_per_s=.. mib_per_s=.." so a reader can see the sender is not what limits a peer.
  peer rsyslog|syslog-ng PORT BODY SECONDS CONNECTIONS OUT_FILE SETTLE_TIMEOUT
        the same sender against a peer listening on 127.0.0.1:PORT (newline-delimited JSON over TCP;
        the peer answers nothing), while polling OUT_FILE's size. The rate is the lines in OUT_FILE over
        the time from the first byte sent to the last growth of OUT_FILE (the peer drains its queue
        after the sender stops; polled until the size has not changed for 2 s, at most SETTLE_TIMEOUT s).
        Checks that OUT_FILE holds exactly the events sent, each parsed, and that 1,000 sampled lines
        equal, as JSON, events of BODY. Parsed: rsyslog writes a line starting with the event's first
        key (a failed mmjsonparse writes `{ "msg": … }` instead); syslog-ng 3.38 writes no line for an
        event its json-parser refused, reorders the keys and writes every value as a string (its
        json-parser keeps no types), so its lines are compared with the values as strings.
        Prints "PEER key=value …"; exits 1 when a check fails.
  fake-receivers PORT
        a Telegram Bot API and Sentry envelope endpoint that answers at once and counts what it got:
        POST …/bot<token>/<method> → {"ok":true,"result":{"message_id":n}}; POST /api/<project>/envelope/
        → {"id": …}; GET /bench/counts → {"telegram": n, "sentry": n, "other": n} since the last
        GET /bench/counts?reset=1 (which answers the counts and starts them again).
  tail-count FILE
        counts the Server-Sent Events in a live tail's saved stream: "TAIL events=.. cut=.. gap=..".
  operator URL TOKEN INTERVAL OUT
        a manager at work: a top-up of 1.00 RUB through POST /api/v1/operations every INTERVAL seconds
        until SIGTERM; then writes "OPERATOR sent=.. applied=.. statuses=.." to OUT.
"""
import http.client
import http.server
import json
import os
import random
import signal
import socket
import sys
import threading
import time
import urllib.parse
import uuid


def read_body(path: str) -> bytes:
    with open(path, "rb") as f:
        body = f.read()
    if not body.endswith(b"\n"):
        body += b"\n"
    return body


def send_for(port: int, body: bytes, seconds: float, connections: int) -> dict:
    """CONNECTIONS threads, one socket each, sendall the whole BODY until SECONDS have passed.
    Only whole bodies are sent, so the events sent are exactly bodies × events per body."""
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(connections)]
    bodies = [0] * connections
    errors = []
    start_barrier = threading.Barrier(connections + 1)
    times = {}

    def worker(i: int) -> None:
        s = sockets[i]
        start_barrier.wait()
        end = times["start"] + seconds
        try:
            while time.monotonic() < end:
                s.sendall(body)
                bodies[i] += 1
        except OSError as exc:
            errors.append(f"connection {i}: {exc}")
        finally:
            try:
                s.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    times["start"] = time.monotonic()  # the first byte goes out right after the barrier
    start_barrier.wait()
    for t in threads:
        t.join()
    sent_done = time.monotonic()
    for s in sockets:
        s.close()
    return {"start": times["start"], "sent_done": sent_done, "bodies": sum(bodies), "errors": errors}


def events_in(body: bytes) -> int:
    return body.count(b"\n")


def discard_server(listener: socket.socket, connections: int) -> None:
    """Child process: accept CONNECTIONS connections and read them to the end, keeping nothing."""
    def drain(conn: socket.socket) -> None:
        buffer = bytearray(1 << 20)
        while conn.recv_into(buffer):
            pass
        conn.close()
    threads = []
    for _ in range(connections):
        conn, _ = listener.accept()
        t = threading.Thread(target=drain, args=(conn,))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()


def sender_check(body_path: str, seconds: str, connections: str) -> int:
    body = read_body(body_path)
    n = int(connections)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(n)
    port = listener.getsockname()[1]
    child = os.fork()
    if child == 0:
        try:
            discard_server(listener, n)
        finally:
            os._exit(0)
    listener.close()
    try:
        result = send_for(port, body, float(seconds), n)
    finally:
        _, status = os.waitpid(child, 0)
    elapsed = result["sent_done"] - result["start"]
    events = result["bodies"] * events_in(body)
    print(f"SENDER events={events} seconds={elapsed:.2f} events_per_s={events / elapsed:.0f} "
          f"mib_per_s={result['bodies'] * len(body) / elapsed / 2**20:.0f}")
    return 0 if not result["errors"] else 1


def watch_size(path: str, stop: threading.Event, state: dict) -> None:
    """Polls PATH's size every 20 ms; records when it last grew."""
    last = -1
    while not stop.is_set():
        try:
            size = os.stat(path).st_size
        except FileNotFoundError:
            size = 0
        if size != last:
            state["size"], state["changed"] = size, time.monotonic()
            last = size
        time.sleep(0.02)


def canonical(value: dict, as_strings: bool) -> str:
    if as_strings:
        value = {k: v if isinstance(v, str) else json.dumps(v) for k, v in value.items()}
    return json.dumps(value, sort_keys=True)


def check_output(kind: str, path: str, body: bytes, expected: int) -> dict:
    as_strings = kind == "syslog-ng"
    originals = {canonical(json.loads(line), as_strings) for line in body.splitlines() if line.strip()}
    first_key = next(iter(json.loads(body.splitlines()[0])))
    parsed_prefix = b'{"' if kind == "syslog-ng" else ('{ "%s": ' % first_key).encode()
    lines = parsed = 0
    with open(path, "rb") as f:
        carry = b""
        while True:
            chunk = f.read(16 << 20)
            if not chunk:
                break
            data = carry + chunk
            cut = data.rfind(b"\n") + 1
            whole, carry = data[:cut], data[cut:]
            lines += whole.count(b"\n")
            # `whole` starts at a line start and ends with a newline.
            parsed += whole.count(b"\n" + parsed_prefix) + whole.startswith(parsed_prefix)
        if carry:
            lines += 1  # an unterminated last line counts, and fails the parsed check below if broken
    # 1,000 sampled lines (random offsets, each moved to the next line start) must equal events sent.
    rng = random.Random(7)
    size = os.path.getsize(path)
    sample_bad = 0
    sample = ""
    with open(path, "rb") as f:
        for _ in range(min(1000, lines)):
            f.seek(rng.randrange(size))
            f.readline()
            line = f.readline() or (f.seek(0) or f.readline())
            try:
                ok = canonical(json.loads(line), as_strings) in originals
            except ValueError:
                ok = False
            if not ok:
                sample_bad += 1
                sample = sample or line[:200].decode("utf-8", "replace")
    return {"lines": lines, "parsed": parsed, "sample_bad": sample_bad, "bad_line": sample,
            "ok": lines == expected and parsed == expected and sample_bad == 0}


def peer(kind: str, port: str, body_path: str, seconds: str, connections: str, out: str, settle_timeout: str) -> int:
    body = read_body(body_path)
    stop = threading.Event()
    state = {"size": 0, "changed": time.monotonic()}
    watcher = threading.Thread(target=watch_size, args=(out, stop, state), daemon=True)
    watcher.start()
    result = send_for(int(port), body, float(seconds), int(connections))
    deadline = time.monotonic() + float(settle_timeout)
    while time.monotonic() < deadline and time.monotonic() - state["changed"] < 2.0:
        time.sleep(0.05)
    stop.set()
    watcher.join()
    settled = time.monotonic() - state["changed"] >= 2.0
    sent = result["bodies"] * events_in(body)
    check = check_output(kind, out, body, sent)
    elapsed = state["changed"] - result["start"]
    send_seconds = result["sent_done"] - result["start"]
    fields = {
        "events_sent": sent, "lines_written": check["lines"], "lines_parsed": check["parsed"],
        "sample_mismatches": check["sample_bad"], "seconds": f"{elapsed:.2f}",
        "events_per_s": f"{check['lines'] / elapsed:.0f}" if elapsed > 0 else "0",
        "send_seconds": f"{send_seconds:.2f}", "drain_seconds": f"{state['changed'] - result['sent_done']:.2f}",
        "settled": "yes" if settled else "no",
    }
    print("PEER " + " ".join(f"{k}={v}" for k, v in fields.items()))
    problems = list(result["errors"])
    if not settled:
        problems.append(f"{out} was still growing after {settle_timeout}s")
    if check["lines"] != sent:
        problems.append(f"{out} holds {check['lines']} lines for {sent} events sent")
    if check["parsed"] != sent:
        problems.append(f"{sent - check['parsed']} of {sent} lines were not parsed as JSON by the peer")
    if check["sample_bad"]:
        problems.append(f"{check['sample_bad']} of 1,000 sampled lines differ from the events sent, e.g. {check['bad_line']!r}")
    for p in problems:
        print(f"PEER-ERROR {p}", file=sys.stderr)
    return 0 if not problems else 1


def fake_receivers(port: str) -> None:
    lock = threading.Lock()
    counts = {"telegram": 0, "sentry": 0, "other": 0}
    message_ids = [100]

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def answer(self, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            with lock:
                self.answer(dict(counts))
                if self.path.endswith("?reset=1"):
                    counts.update({k: 0 for k in counts})

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            kind = "telegram" if "/bot" in self.path else "sentry" if self.path.endswith("/envelope/") else "other"
            with lock:
                counts[kind] += 1
                message_ids[0] += 1
                n = message_ids[0]
            if kind == "telegram":
                self.answer({"ok": True, "result": {"message_id": n}})
            else:
                self.answer({"id": "%032x" % n})

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), Handler)
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.serve_forever()


def tail_count(path: str) -> None:
    events = cut = gap = 0
    with open(path, "rb") as f:
        for line in f:
            if line.startswith(b"event: event"):
                events += 1
            elif line.startswith(b"event: cut"):
                cut += 1
            elif line.startswith(b"event: gap"):
                gap += 1
    print(f"TAIL events={events} cut={cut} gap={gap}")


def operator(url: str, token: str, interval: str, out: str) -> None:
    statuses = {}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    target = urllib.parse.urlparse(url)
    try:
        while True:
            request_id = str(uuid.uuid4())
            body = json.dumps({"operation": "top_up", "request_id": request_id, "params": {
                "shop_id": "bench-shop", "amount": "1.00", "currency": "RUB", "reason": "bench " + request_id}})
            try:
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                conn.request("POST", "/api/v1/operations", body=body,
                             headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
                status = str(conn.getresponse().status)
                conn.close()
            except OSError as exc:
                status = type(exc).__name__
            statuses[status] = statuses.get(status, 0) + 1
            time.sleep(float(interval))
    finally:
        with open(out, "w") as f:
            text = ",".join(f"{k}:{v}" for k, v in sorted(statuses.items()))
            f.write(f"OPERATOR sent={sum(statuses.values())} applied={statuses.get('200', 0)} statuses={text}\n")


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["sender-check"] and len(args) == 4:
        sys.exit(sender_check(*args[1:]))
    elif args[:1] == ["peer"] and len(args) == 8 and args[1] in ("rsyslog", "syslog-ng"):
        sys.exit(peer(*args[1:]))
    elif args[:1] == ["fake-receivers"] and len(args) == 2:
        fake_receivers(args[1])
    elif args[:1] == ["operator"] and len(args) == 5:
        operator(*args[1:])
    elif args[:1] == ["tail-count"] and len(args) == 2:
        tail_count(args[1])
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
