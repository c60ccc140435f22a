"""`AdminHandler`: the `logging.Handler` that ships records to DataMP Admin."""
from __future__ import annotations

import logging
import os
import socket
import sys
import tempfile
from typing import Any, Dict, Optional

from .record import RecordEncoder, iso_timestamp
from .shipper import Shipper, Stats
from .spill import Spill
from .transport import Transport

# Set on an exception by the Django middleware once it has logged it, so the same exception logged
# again by Django's own `django.request` logger is not shipped twice.
LOGGED_MARK = "_datamp_logged"


def _setting(value: Optional[str], variable: str, default: Optional[str] = None) -> Optional[str]:
    if value is not None:
        return value
    return os.environ.get(variable, default)


class AdminHandler(logging.Handler):
    """Ships every record to the hub's `POST /api/v1/logs` from a background thread.

    Arguments win over the variables: `url` (DATAMP_ADMIN_URL, the hub's base URL), `token`
    (DATAMP_INGEST_TOKEN), `service` (DATAMP_SERVICE; default: the token's service), `environment`
    (DATAMP_ENVIRONMENT; default: the hub's), `spool_dir` (DATAMP_SPOOL_DIR; where events wait while
    the hub cannot be reached; "" keeps them in memory only). Without a URL or a token the handler
    says so once on stderr and does nothing: logging must never take the service down.
    """

    def __init__(self, url: Optional[str] = None, token: Optional[str] = None, service: Optional[str] = None,
                 environment: Optional[str] = None, spool_dir: Optional[str] = None, level: int = logging.NOTSET, *,
                 batch_max_events: int = 1000, batch_max_bytes: int = 1024 * 1024, flush_interval: float = 1.0,
                 max_queue_bytes: int = 16 * 1024 * 1024, max_spill_bytes: int = 512 * 1024 * 1024,
                 timeout: float = 5.0, exit_timeout: float = 5.0, compress: bool = True):
        super().__init__(level)
        url = _setting(url, "DATAMP_ADMIN_URL")
        token = _setting(token, "DATAMP_INGEST_TOKEN")
        service = _setting(service, "DATAMP_SERVICE")
        environment = _setting(environment, "DATAMP_ENVIRONMENT")
        spool_dir = _setting(spool_dir, "DATAMP_SPOOL_DIR")
        if spool_dir is None:
            spool_dir = os.path.join(tempfile.gettempdir(), f"datamp-logging-{service or 'default'}")
        self.exit_timeout = exit_timeout
        self.encoder = RecordEncoder(service, environment, socket.gethostname())
        self.shipper: Optional[Shipper] = None
        self._last_flush_timed_out = False
        if not url or not token:
            missing = " and ".join(n for n, v in (("a URL (DATAMP_ADMIN_URL)", url), ("a token (DATAMP_INGEST_TOKEN)", token)) if not v)
            sys.stderr.write(f"datamp-logging: AdminHandler is missing {missing}; records are not shipped\n")
            return
        spill = Spill(spool_dir, max_spill_bytes) if spool_dir else None
        self.shipper = Shipper(Transport(url, token, timeout, compress), spill,
                               batch_max_events=batch_max_events, batch_max_bytes=batch_max_bytes,
                               flush_interval=flush_interval, max_queue_bytes=max_queue_bytes,
                               encode=self.encoder.encode, notice=self._notice)

    @property
    def stats(self) -> Stats:
        return self.shipper.stats if self.shipper else Stats()

    def emit(self, record: logging.LogRecord) -> None:
        if self.shipper is None:
            return
        try:
            if record.name == "django.request" and record.exc_info and getattr(record.exc_info[1], LOGGED_MARK, False):
                return
            message = record.getMessage()
            event = self.encoder.event(record, message)
            self.shipper.enqueue(event, _estimated_size(message, event))
        except Exception:
            self.handleError(record)  # logging's own policy: a line on stderr, never an exception

    def ship(self, event: Dict[str, Any]) -> None:
        """Ships an event that is already a dict (the structlog processor uses this)."""
        if self.shipper is None:
            return
        try:
            self.shipper.enqueue(event, _estimated_size(str(event.get("event", "")), event))
        except Exception:
            pass

    def flush(self, timeout: Optional[float] = None) -> None:
        """Waits (at most `timeout`, by default `exit_timeout`) for what is queued to be sent or spilled.
        `logging.shutdown()` calls this at interpreter exit."""
        if self.shipper is not None:
            self._last_flush_timed_out = not self.shipper.flush(self.exit_timeout if timeout is None else timeout)

    def close(self) -> None:
        """Flushes (bounded) and spills what the hub did not take, for the next process to send.
        After a flush that just timed out (logging.shutdown flushes, then closes) it waits no longer."""
        if self.shipper is not None:
            self.shipper.close(0.2 if self._last_flush_timed_out else self.exit_timeout)
        super().close()

    def _notice(self, message: str, fields: Dict[str, Any]) -> bytes:
        """An event of the handler's own, e.g. how many events it had to drop."""
        import time
        event: Dict[str, Any] = {"@timestamp": iso_timestamp(time.time()), "log.level": "warning",
                                 "log.logger": "datamp_logging", "message": message}
        event.update(self.encoder.static)
        event.update(fields)
        return self.encoder.encode(event)


def _estimated_size(message: str, event: Dict[str, Any]) -> int:
    """The encoded size, near enough for the memory bound without encoding on the caller's thread."""
    return 400 + len(message) + len(event.get("error.stack_trace", "")) + 24 * len(event)
