"""Django middleware: a request id and trace context on every record logged during a request, and
unhandled exceptions logged with the request's method, path and user id.

    MIDDLEWARE = ["datamp_logging.django.RequestContextMiddleware", ...]   # first, so it sees everything

Never logged: bodies, cookies, query strings and headers (they carry passwords, tokens and session ids).
"""
from __future__ import annotations

import logging

from . import context
from .handler import LOGGED_MARK

logger = logging.getLogger("datamp_logging.django")


class RequestContextMiddleware:
    """Takes `X-Request-ID` (when it is short and plain) or makes one, continues the caller's W3C trace
    (`traceparent`) or starts one, answers with both headers so the caller can quote them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = context.clean_request_id(request.META.get("HTTP_X_REQUEST_ID")) or context.new_request_id()
        incoming = context.parse_traceparent(request.META.get("HTTP_TRACEPARENT"))
        trace_id = incoming[0] if incoming else context.new_trace_id()
        span_id = context.new_span_id()  # this request's own span; the caller's is its parent
        request.request_id = request_id
        with context.RequestContext(request_id, trace_id, span_id):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        response["traceparent"] = f"00-{trace_id}-{span_id}-01"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Authentication middleware has run by now: the user is known for the rest of the request.
        context.set_user_id(_user_id(request))
        return None

    def process_exception(self, request, exception):
        extra = {"http.request.method": request.method, "url.path": request.path}
        user_id = _user_id(request)
        if user_id is not None:
            extra["user.id"] = user_id
        logger.error("unhandled %s in %s %s", type(exception).__name__, request.method, request.path,
                     exc_info=(type(exception), exception, exception.__traceback__), extra=extra)
        try:
            setattr(exception, LOGGED_MARK, True)
        except Exception:
            pass  # an exception type with __slots__: Django's own log of it is shipped too
        return None  # Django goes on to its own 500 handling


def _user_id(request):
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return str(user.pk)
