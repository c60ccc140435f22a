"""A structlog processor that ships each event dict to DataMP Admin and passes it on unchanged.

    import structlog
    from datamp_logging.structlog import AdminProcessor
    structlog.configure(processors=[structlog.processors.add_log_level, structlog.processors.TimeStamper(fmt="iso"),
                                    AdminProcessor(service="core"), structlog.processors.JSONRenderer()])

Put it after `add_log_level` and `TimeStamper` (their keys are the hub's `level` and `timestamp`) and
before the renderer. `exc_info=True` ships the traceback; the request context of the Django middleware
is added as for `logging`.
"""
from __future__ import annotations

import sys
import time
import uuid
from typing import Any, Dict, Optional

from . import context
from .handler import AdminHandler
from .record import _plain, exception_fields, iso_timestamp


class AdminProcessor:
    def __init__(self, handler: Optional[AdminHandler] = None, **handler_arguments: Any):
        """Ships through `handler`, or through a handler of its own made from `handler_arguments`."""
        self.handler = handler if handler is not None else AdminHandler(**handler_arguments)

    def __call__(self, logger: Any, method_name: str, event_dict: Dict[str, Any]) -> Dict[str, Any]:
        try:
            self.handler.ship(self.event(method_name, event_dict))
        except Exception:
            pass  # never into the application
        return event_dict

    def event(self, method_name: str, event_dict: Dict[str, Any]) -> Dict[str, Any]:
        event: Dict[str, Any] = {}
        for key, value in event_dict.items():
            if key != "exc_info":
                event[key] = _plain(value)
        event.setdefault("level", "error" if method_name == "exception" else method_name)
        event.setdefault("timestamp", iso_timestamp(time.time()))
        event.setdefault("event.id", str(uuid.uuid4()))  # a retry is stored once
        event.update(self.handler.encoder.static)
        for key, value in context.current().items():
            event.setdefault(key, value)
        exc_info = event_dict.get("exc_info")
        if exc_info:
            if exc_info is True or method_name == "exception" and not isinstance(exc_info, tuple):
                exc_info = sys.exc_info()
            elif isinstance(exc_info, BaseException):
                exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
            event.update(exception_fields(exc_info))
        return event
