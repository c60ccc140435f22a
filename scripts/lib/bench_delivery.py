"""Helpers for scripts/bench delivery (scripts/lib/bench-delivery.sh).

  drain STATS_URL KEY START_COUNT EVENTS TIMEOUT PIDS
      polls the null store's /_null/stats every 0.1 s until KEY has grown by EVENTS over START_COUNT;
      prints "DRAIN seconds=… rate=… cpu_<pid>=…" where seconds run from the first delivered event
      to the last (start-up and prepare are not counted) and cpu_<pid> is the CPU time of each
      process (hub, null store) over that span, in % of one core.
"""
import json
import os
import sys
import time
import urllib.request

TICKS = os.sysconf("SC_CLK_TCK")


def count(url: str, key: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return int(json.load(resp)[key])


def cpu_seconds(pid: str) -> float:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except OSError:
        return 0.0


def drain(url: str, key: str, start: int, events: int, timeout: float, pids: list[str]) -> None:
    deadline = time.monotonic() + timeout
    first_at = None
    first_count = start
    cpu0: dict[str, float] = {}
    while time.monotonic() < deadline:
        now_count = count(url, key) - start
        now = time.monotonic()
        if first_at is None and now_count > 0:
            first_at, first_count = now, now_count
            cpu0 = {pid: cpu_seconds(pid) for pid in pids}
        if now_count >= events:
            span = now - first_at
            rate = (events - first_count) / span if span > 0 else 0
            cpu = " ".join(f"cpu_{pid}={100 * (cpu_seconds(pid) - cpu0[pid]) / span:.0f}" for pid in pids)
            print(f"DRAIN seconds={span:.2f} rate={rate:.0f} {cpu}")
            return
        time.sleep(0.1)
    print(f"DRAIN timeout delivered={count(url, key) - start}")


if __name__ == "__main__":
    if sys.argv[1] == "drain":
        drain(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]), sys.argv[7].split(","))
    else:
        sys.exit(f"unknown command {sys.argv[1]}")
