"""The request context that every record logged during a request carries.

Context variables, not thread locals, so that it also follows a request through Django's async views
and asyncio tasks.
"""
from __future__ import annotations

import contextvars
import os
import re
from typing import Dict, Optional

_request_id: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("datamp_request_id", default=None)
_trace_id: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("datamp_trace_id", default=None)
_span_id: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("datamp_span_id", default=None)
_user_id: contextvars.ContextVar[Optional[str]] = contextvars.ContextVar("datamp_user_id", default=None)

_HEX = re.compile(r"^[0-9a-f]+$")
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def new_trace_id() -> str:
    return os.urandom(16).hex()


def new_span_id() -> str:
    return os.urandom(8).hex()


def new_request_id() -> str:
    return os.urandom(16).hex()


def parse_traceparent(value: Optional[str]) -> Optional[tuple]:
    """W3C Trace Context `traceparent` → (trace_id, parent_span_id), or None when it is not valid.

    Version ff and all-zero ids are invalid per the specification; a later version than 00 may carry
    more fields, and is read by its first four, as the specification asks.
    """
    if not value:
        return None
    parts = value.strip().lower().split("-")
    if len(parts) < 4:
        return None
    version, trace_id, span_id, flags = parts[:4]
    if not (_HEX.match(version) and len(version) == 2 and version != "ff" and _HEX.match(flags) and len(flags) == 2):
        return None
    if version == "00" and len(parts) != 4:
        return None
    if len(trace_id) != 32 or not _HEX.match(trace_id) or trace_id == "0" * 32:
        return None
    if len(span_id) != 16 or not _HEX.match(span_id) or span_id == "0" * 16:
        return None
    return trace_id, span_id


def clean_request_id(value: Optional[str]) -> Optional[str]:
    """An incoming X-Request-ID is kept only when it is short and plain (it ends up in logs and headers)."""
    if value and _SAFE_ID.match(value):
        return value
    return None


class RequestContext:
    """Sets the context for one request; `with RequestContext(...):` restores the previous one at exit."""

    def __init__(self, request_id: str, trace_id: Optional[str] = None, span_id: Optional[str] = None,
                 user_id: Optional[str] = None):
        self.values = (request_id, trace_id, span_id, user_id)
        self._tokens: list = []

    def __enter__(self) -> "RequestContext":
        for var, value in zip((_request_id, _trace_id, _span_id, _user_id), self.values):
            self._tokens.append((var, var.set(value)))
        return self

    def __exit__(self, *exc) -> None:
        for var, token in reversed(self._tokens):
            var.reset(token)
        self._tokens.clear()


def set_user_id(user_id: Optional[object]) -> None:
    """Called once the request's user is known (after authentication)."""
    _user_id.set(None if user_id is None else str(user_id))


_FIELDS = (("http.request.id", _request_id), ("trace.id", _trace_id), ("span.id", _span_id), ("user.id", _user_id))


def current() -> Dict[str, str]:
    """The context's fields in the hub's own names (empty outside a request)."""
    fields: Dict[str, str] = {}
    for name, var in _FIELDS:
        value = var.get()
        if value is not None:
            fields[name] = value
    return fields
