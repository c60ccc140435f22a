"""A minimal Django project as a DataMP service would configure it: the middleware first, the handler on
the root logger, the hub's address and token from the DATAMP_* variables."""
SECRET_KEY = "test-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "djangoapp.urls"
INSTALLED_APPS = ["django.contrib.contenttypes", "django.contrib.auth"]
DATABASES = {}
MIDDLEWARE = [
    "datamp_logging.django.RequestContextMiddleware",
    "django.middleware.common.CommonMiddleware",
]
USE_TZ = True
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "admin": {"class": "datamp_logging.AdminHandler", "flush_interval": 0.2},
    },
    "root": {"handlers": ["admin"], "level": "INFO"},
}
