#!/usr/bin/env python3
"""Send log events to DataMP Admin with Python `requests`, the way a well-behaved client should.

    pip install requests
    ADMIN_URL=http://127.0.0.1:8080 ADMIN_TOKEN=<ingest token> python send_requests.py events.ndjson

What it shows:
- batching: at most 1000 events and 5 MiB per request, as NDJSON (optionally gzip-compressed);
- idempotent retries: every event gets a client-chosen `event.id` before the first attempt, so a
  retry after a timeout (when the first attempt may have been stored) never stores an event twice;
- backpressure: 429 and 503 are retried after the server's Retry-After (seconds or an HTTP date),
  other 5xx answers and network errors with exponential backoff and jitter;
- no retry of what cannot succeed: 400 (no event accepted), 401/403 (token), 413 (too large),
  415 (content type). A 202 may still report rejected events: they are printed, not resent.

For Django/`logging`, use the package in ingest/python (`datamp-logging`): it does this in the background.
"""
from __future__ import annotations

import argparse
import email.utils
import gzip
import json
import os
import random
import sys
import time
import uuid
from typing import Iterable, Iterator

import requests

MAX_EVENTS = 1000
MAX_BYTES = 5 * 1024 * 1024
RETRY_STATUSES = {429, 500, 502, 503, 504}


class IngestError(Exception):
    """The hub refused the request for a reason a retry cannot fix (see `status` and `body`)."""

    def __init__(self, status: int, body: dict | str):
        self.status, self.body = status, body
        super().__init__(f"HTTP {status}: {body}")


def with_event_id(event: dict) -> dict:
    """Adds a client-chosen `event.id` unless the event already has an id the hub recognises."""
    nested = event.get("event")
    if any(k in event for k in ("event.id", "id", "uuid")) or (isinstance(nested, dict) and "id" in nested):
        return event
    return {**event, "event.id": str(uuid.uuid4())}


def batches(events: Iterable[dict]) -> Iterator[list[bytes]]:
    """Groups events into NDJSON lines, at most MAX_EVENTS and MAX_BYTES per request."""
    batch: list[bytes] = []
    size = 0
    for event in events:
        line = json.dumps(with_event_id(event), separators=(",", ":"), ensure_ascii=False).encode() + b"\n"
        if batch and (len(batch) >= MAX_EVENTS or size + len(line) > MAX_BYTES):
            yield batch
            batch, size = [], 0
        batch.append(line)
        size += len(line)
    if batch:
        yield batch


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After is either a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def send_batch(session: requests.Session, url: str, token: str, lines: list[bytes], *,
               compress: bool = False, timeout: float = 10.0, max_attempts: int = 8) -> dict:
    """POSTs one batch; returns the 202 body ({"accepted", "rejected", "errors"}) or raises IngestError."""
    body = b"".join(lines)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/x-ndjson"}
    if compress:
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    for attempt in range(1, max_attempts + 1):
        backoff = min(30.0, 0.5 * 2 ** (attempt - 1)) * random.uniform(0.5, 1.0)
        try:
            resp = session.post(f"{url}/api/v1/logs", data=body, headers=headers, timeout=timeout)
        except (requests.ConnectionError, requests.Timeout) as exc:
            if attempt == max_attempts:
                raise
            print(f"  network error ({exc.__class__.__name__}), retrying in {backoff:.1f}s", file=sys.stderr)
            time.sleep(backoff)
            continue
        if resp.status_code == 202:
            return resp.json()
        if resp.status_code in RETRY_STATUSES and attempt < max_attempts:
            wait = retry_after_seconds(resp.headers.get("Retry-After"))
            wait = backoff if wait is None else min(wait, 60.0)
            print(f"  HTTP {resp.status_code}, retrying in {wait:.1f}s", file=sys.stderr)
            time.sleep(wait)
            continue
        try:
            detail = resp.json()
        except ValueError:
            detail = resp.text
        raise IngestError(resp.status_code, detail)
    raise AssertionError("unreachable")


def read_ndjson(path: str) -> Iterator[dict]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file", nargs="?", default=os.path.join(os.path.dirname(__file__), "events.ndjson"),
                        help="NDJSON file of events (default: the sample events.ndjson)")
    parser.add_argument("--url", default=os.environ.get("ADMIN_URL", "http://127.0.0.1:8080"))
    parser.add_argument("--token", default=os.environ.get("ADMIN_TOKEN"))
    parser.add_argument("--gzip", action="store_true", help="compress request bodies")
    args = parser.parse_args()
    if not args.token:
        parser.error("an ingest token is needed: --token or ADMIN_TOKEN")

    accepted = rejected = 0
    with requests.Session() as session:
        for n, lines in enumerate(batches(read_ndjson(args.file)), start=1):
            try:
                result = send_batch(session, args.url.rstrip("/"), args.token, lines, compress=args.gzip)
            except IngestError as exc:
                print(f"batch {n}: refused, HTTP {exc.status}: {exc.body}", file=sys.stderr)
                return 1
            except requests.RequestException as exc:
                print(f"batch {n}: gave up after retries: {exc}", file=sys.stderr)
                return 1
            accepted += result.get("accepted", 0)
            rejected += result.get("rejected", 0)
            for err in result.get("errors", []):
                print(f"batch {n}: event {err.get('index')} rejected: {err.get('error')}: {err.get('message')}",
                      file=sys.stderr)
    print(f"accepted {accepted}, rejected {rejected}")
    return 0 if rejected == 0 else 2


if __name__ == "__main__":
    sys.exit(main())
