"""The browser tests' server: the production settings, served over plain HTTP on 127.0.0.1.

Only what a loopback server without TLS, collected static files or the Internet needs is changed
(the map's tiles come from this server), so the pages, headers and Content-Security-Policy the
browser sees are those of production.
"""

from portal.settings.production import *  # noqa: F403
from portal.settings.production import BASE_DIR, STATICFILES_DIRS, STORAGES

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Static files come from the app folders through whitenoise; nothing is collected for the tests.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Lockouts would otherwise follow the suite from one journey to the next.
AXES_ENABLED = False
# The institution page's map draws its tiles from this server, not from OpenStreetMap's: the tests
# need no Internet and put no load on a volunteer service. One plain tile for every {z}/{x}/{y}, from
# tests/browser/static/ (the address is on this site, so the Content-Security-Policy's 'self' covers it).
STATICFILES_DIRS = [*STATICFILES_DIRS, BASE_DIR / "tests" / "browser" / "static"]
MAP_TILE_URL = "/static/browser-tests/map-tile.png?z={z}&x={x}&y={y}"
