"""The browser tests' server: the production settings, served over plain HTTP on 127.0.0.1.

Only what a loopback server without TLS or collected static files needs is changed, so the
pages, headers and Content-Security-Policy the browser sees are those of production.
"""

from portal.settings.production import *  # noqa: F403
from portal.settings.production import STORAGES

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Static files come from the app folders through whitenoise; nothing is collected for the tests.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Lockouts would otherwise follow the suite from one journey to the next.
AXES_ENABLED = False
