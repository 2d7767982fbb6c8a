"""Security settings of production that need no secrets, so tests can load them too."""

from urllib.parse import urlsplit

from .base import MAP_TILE_URL, MIDDLEWARE


def tile_origin(url: str) -> str:
    """The scheme and host of a tile server's address, for img-src; "" for an address on this site.

    Leaflet's {s} (the server's subdomains a, b, c) becomes the wildcard *.
    """
    parts = urlsplit(url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# Content-Security-Policy (django-csp, portal.middleware): the public pages load only their own files;
# the Wagtail admin also needs inline styles and scripts, data: and blob: images and same-origin frames
# (previews). The institution page's map loads its tiles from the tile server (base.MAP_TILE_URL).
MIDDLEWARE = [*MIDDLEWARE, "portal.middleware.PortalCSPMiddleware"]
SELF, NONE = "'self'", "'none'"
MAP_TILE_ORIGINS = list(filter(None, [tile_origin(MAP_TILE_URL)]))
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *MAP_TILE_ORIGINS],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}
CONTENT_SECURITY_POLICY_ADMIN = {
    "script-src": [SELF, "'unsafe-inline'"],
    "style-src": [SELF, "'unsafe-inline'"],
    "img-src": [SELF, "data:", "blob:", *MAP_TILE_ORIGINS],  # the map in a page's preview
    "font-src": [SELF, "data:"],
    "frame-src": [SELF],
}
# The admin does not call wagtail.org for release news (nor would the policy above let it).
WAGTAIL_ENABLE_UPDATE_CHECK = False
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS_DEFAULT = 60 * 60 * 24 * 365
