"""POSTs NDJSON batches to the hub's `/api/v1/logs` over one keep-alive connection (standard library
only), and says what the answer means for the batch."""
from __future__ import annotations

import email.utils
import gzip
import http.client
import json
import socket
import time
import urllib.parse
from dataclasses import dataclass
from typing import List, Optional


@dataclass
class Outcome:
    """What to do with a batch after one attempt."""
    delivered: bool                      # the hub has it (202), or refused every event for good (400)
    retry_after: Optional[float] = None  # seconds the hub asked us to wait (429/503)
    fatal: Optional[str] = None          # a refusal that no retry fixes (401/403/413/415): the batch is dropped
    rejected: int = 0                    # events the hub refused individually in a 202/400


def retry_after_seconds(value: Optional[str]) -> Optional[float]:
    """`Retry-After` is a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


class Transport:
    def __init__(self, url: str, token: str, timeout: float, compress: bool):
        parsed = urllib.parse.urlsplit(url.rstrip("/"))
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"the hub URL must be http(s)://host[:port][/prefix], not {url!r}")
        self._https = parsed.scheme == "https"
        self._host = parsed.hostname
        self._port = parsed.port
        self._path = (parsed.path or "") + "/api/v1/logs"
        self._token = token
        self._timeout = timeout
        self._compress = compress
        self._connection: Optional[http.client.HTTPConnection] = None

    def post(self, lines: List[bytes]) -> Outcome:
        """One attempt; network errors raise OSError (or http.client.HTTPException) for the caller to retry."""
        body = b"".join(lines)
        headers = {"Authorization": f"Bearer {self._token}", "Content-Type": "application/x-ndjson",
                   "User-Agent": "datamp-logging/1.0"}
        if self._compress:
            body = gzip.compress(body, compresslevel=1)
            headers["Content-Encoding"] = "gzip"
        try:
            connection = self._connect()
            connection.request("POST", self._path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException):
            self.close()  # a half-used connection cannot be trusted for the next request
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return self._outcome(response.status, response.getheader("Retry-After"), payload)

    @staticmethod
    def _outcome(status: int, retry_after: Optional[str], payload: bytes) -> Outcome:
        if status in (202, 400):
            try:
                rejected = int(json.loads(payload).get("rejected", 0))
            except (ValueError, AttributeError, TypeError):
                rejected = 0
            return Outcome(delivered=True, rejected=rejected)
        if status in (429, 503):
            return Outcome(delivered=False, retry_after=retry_after_seconds(retry_after))
        if status in (401, 403, 413, 415):
            try:
                detail = json.loads(payload)
                reason = f"{status} {detail.get('error')}: {detail.get('message')}"
            except (ValueError, AttributeError):
                reason = f"{status} {payload[:200]!r}"
            return Outcome(delivered=False, fatal=reason)
        return Outcome(delivered=False)  # other 5xx, or something in between answering for the hub

    def _connect(self) -> http.client.HTTPConnection:
        if self._connection is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            self._connection = cls(self._host, self._port, timeout=self._timeout)
            self._connection.connect()
            if self._connection.sock is not None:
                self._connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None
