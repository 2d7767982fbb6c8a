"""The benchmark (`make bench`): production settings served over plain HTTP on 127.0.0.1.

Adds one bare view (`/bench/bare/`) that the load test compares the listing with.
"""

from .production import *  # noqa: F403
from .production import STORAGES

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT = None  # nothing collected: whitenoise serves from the finders
ROOT_URLCONF = "portal.bench_urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}
