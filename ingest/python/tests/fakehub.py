"""A small HTTP server for the unit tests that answers `/api/v1/logs` as the test scripts it and keeps
every body it got. The real hub is used by test_hub.py; this one exists to make the hub's rarer
answers (503 with Retry-After, 401) happen on cue."""
from __future__ import annotations

import gzip
import http.server
import json
import threading
import time
from typing import List, Tuple


class FakeHub:
    def __init__(self):
        self.answers: List[Tuple[int, dict, dict]] = []  # scripted (status, headers, body), then 202s
        self.requests: List[Tuple[float, dict, List[dict]]] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                events = [json.loads(line) for line in body.splitlines() if line.strip()]
                with outer.lock:
                    outer.requests.append((time.monotonic(), dict(self.headers), events))
                    status, headers, answer = outer.answers.pop(0) if outer.answers else (202, {}, None)
                if answer is None:
                    answer = {"accepted": len(events), "rejected": 0, "errors": []}
                payload = json.dumps(answer).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self) -> List[dict]:
        with self.lock:
            return [e for _, _, events in self.requests for e in events]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
