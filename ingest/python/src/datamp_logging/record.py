"""One `logging.LogRecord` → one event in the hub's ingest contract (ECS names where the hub has them).

The hub reads `@timestamp`, `log.level`, `log.logger`, `message`, `service.*`, `host.name`, the ids and
`error.*`; everything else becomes a label (strings, numbers, booleans) or an attribute (objects), so
`extra={"shop_id": 42, "order": {...}}` is searchable as it is.
"""
from __future__ import annotations

import json
import logging
import time
import os
import traceback
from typing import Any, Dict, Optional

from . import context

# Attributes every LogRecord has; anything else on a record came from `extra=` (or a filter).
_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("n", logging.INFO, "p", 1, "m", None, None))) | {
    "message", "asctime", "taskName",
}

# Extras that Django's own loggers attach and that must never be shipped: the request object carries
# cookies, headers and the body; the server's socket is noise.
_NEVER_SHIPPED = frozenset({"request", "server_time", "socket"})

_MAX_REPR = 2048


_second_cache = (-1, "")


def iso_timestamp(created: float) -> str:
    """RFC 3339 UTC with milliseconds. The seconds part is formatted once per second (this runs inside
    every `logger.info`); the cache is one tuple, replaced whole, so threads never see half of it."""
    global _second_cache
    seconds = int(created)
    cached = _second_cache
    if cached[0] != seconds:
        cached = (seconds, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)))
        _second_cache = cached
    return "%s.%03dZ" % (cached[1], int((created - seconds) * 1000))


def exception_fields(exc_info: Any) -> Dict[str, str]:
    """`exc_info` → error.type / error.message / error.stack_trace (the full Python traceback text,
    which the hub parses into frames for Sentry)."""
    if not exc_info:
        return {}
    if exc_info is True:
        return {}
    exc_type, exc_value, exc_tb = exc_info
    if exc_type is None:
        return {}
    module = getattr(exc_type, "__module__", "")
    name = exc_type.__qualname__ if module in ("builtins", "__main__", None) else f"{module}.{exc_type.__qualname__}"
    return {
        "error.type": name,
        "error.message": str(exc_value),
        "error.stack_trace": "".join(traceback.format_exception(exc_type, exc_value, exc_tb)).rstrip("\n"),
    }


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of an extra's value: JSON types as they are, anything else as its repr."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    text = repr(value)
    return text if len(text) <= _MAX_REPR else text[:_MAX_REPR] + "…"


class RecordEncoder:
    """Turns records into NDJSON lines for one service; cheap enough to run inside `logger.info`."""

    def __init__(self, service: Optional[str], environment: Optional[str], hostname: Optional[str]):
        self.static: Dict[str, str] = {}
        if service:
            self.static["service.name"] = service
        if environment:
            self.static["service.environment"] = environment
        if hostname:
            self.static["host.name"] = hostname

    def event(self, record: logging.LogRecord, message: str) -> Dict[str, Any]:
        event: Dict[str, Any] = {
            "@timestamp": iso_timestamp(record.created),
            "event.id": os.urandom(16).hex(),  # client-side: a retry of this event is stored once
            "log.level": record.levelname.lower(),
            "log.logger": record.name,
            "message": message,
        }
        event.update(self.static)
        event["process"] = record.process
        event["process_name"] = record.processName
        event["thread"] = record.thread
        event["thread_name"] = record.threadName
        event["module"] = record.module
        event["function"] = record.funcName
        event["line"] = record.lineno
        event["file"] = record.pathname
        event.update(context.current())
        if record.exc_info:
            event.update(exception_fields(record.exc_info))
        elif record.exc_text:
            event["error.stack_trace"] = record.exc_text
        if record.stack_info:
            event["stack_info"] = record.stack_info
        for key, value in record.__dict__.items():
            if key not in _STANDARD_ATTRIBUTES and key not in _NEVER_SHIPPED and not key.startswith("_"):
                event[key] = _plain(value)
        return event

    def encode(self, event: Dict[str, Any]) -> bytes:
        return json.dumps(event, ensure_ascii=False, separators=(",", ":"), default=repr).encode("utf-8") + b"\n"
