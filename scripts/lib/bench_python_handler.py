#!/usr/bin/env python3
"""What one `logger.info` costs a service with datamp-logging's AdminHandler (scripts/bench shipping).

    bench_python_handler.py URL TOKEN CALLS

Measures CALLS calls with the hub up (URL), then CALLS with it down (a port nobody listens on, the
spill directory taking the events), and prints one line per case: p50 / p99 / max in microseconds.
"""
import logging
import os
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "ingest", "python", "src"))
from datamp_logging import AdminHandler  # noqa: E402


def measure(url: str, token: str, calls: int, spool: str) -> list:
    handler = AdminHandler(url=url, token=token, service="bench", spool_dir=spool)
    logger = logging.getLogger(f"bench.{url}")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for i in range(2000):  # warm-up: the sender thread, the connection
        logger.info("warm-up %d", i)
    handler.flush(30)
    costs = []
    for i in range(calls):
        started = time.perf_counter_ns()
        logger.info("payment %d captured for shop %d", i, i % 97, extra={"shop_id": i % 97, "amount": "100.00"})
        costs.append(time.perf_counter_ns() - started)
    handler.flush(30)
    handler.close()
    costs.sort()
    return costs


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    url, token, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with tempfile.TemporaryDirectory() as spool:
        for case, target in (("hub up", url), ("hub down", f"http://127.0.0.1:{closed_port()}")):
            costs = measure(target, token, calls, spool + "/" + case.replace(" ", "-"))
            p = lambda q: costs[min(len(costs) - 1, int(len(costs) * q))] / 1000  # noqa: E731
            print(f"PYHANDLER case={case.replace(' ', '_')} calls={calls} p50_us={p(0.5):.1f} p99_us={p(0.99):.1f} max_us={costs[-1] / 1000:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
