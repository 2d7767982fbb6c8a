"""Security settings of production that need no secrets, so tests can load them too."""

from .base import MIDDLEWARE

# Content-Security-Policy (django-csp, portal.middleware): the public pages load only their own files;
# the Wagtail admin also needs inline styles and scripts, data: and blob: images and same-origin frames
# (previews).
MIDDLEWARE = [*MIDDLEWARE, "portal.middleware.PortalCSPMiddleware"]
SELF, NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
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
    "img-src": [SELF, "data:", "blob:"],
    "font-src": [SELF, "data:"],
    "frame-src": [SELF],
}
# The admin does not call wagtail.org for release news (nor would the policy above let it).
WAGTAIL_ENABLE_UPDATE_CHECK = False
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_HSTS_SECONDS_DEFAULT = 60 * 60 * 24 * 365
