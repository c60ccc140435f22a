"""Ship Python `logging` (and structlog) records to DataMP Admin.

    import logging
    from datamp_logging import AdminHandler
    logging.getLogger().addHandler(AdminHandler(service="core"))  # URL and token from DATAMP_* variables

Django: add `datamp_logging.django.RequestContextMiddleware` to MIDDLEWARE and the handler to LOGGING.
structlog: add `datamp_logging.structlog.AdminProcessor()` to the processors.
"""
from .context import RequestContext, set_user_id
from .handler import AdminHandler
from .shipper import Stats

__all__ = ["AdminHandler", "RequestContext", "Stats", "set_user_id"]
__version__ = "1.0.0"
