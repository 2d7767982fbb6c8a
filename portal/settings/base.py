"""Settings shared by every environment: secure by default, configured from the environment.

Variables read here (see README, "Configuration"):
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, CACHE_URL or REDIS_URL, MEDIA_ROOT, WAGTAILADMIN_BASE_URL,
MAP_TILE_URL, MAP_TILE_ATTRIBUTION, OTP_REQUIRED_FOR.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_list(name: str, default: str = "") -> list[str]:
    """A comma-separated environment variable as a list, blanks dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def cache_from_env(alias: str = "default") -> dict:
    """Django's cache framework: Redis when CACHE_URL/REDIS_URL names it, local memory otherwise.

    Three caches, so that what fills one never pushes out another (README, "Public cache"): `default`
    holds the content versions and little else, `pages` the public responses and the pieces of pages
    kept as written, `feed_parts` each event's VEVENTs. On Redis they share the server under their own
    prefixes; the versions have no expiry, so Redis's `volatile-lru` eviction never takes them.
    """
    url = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        redis = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        return redis if alias == "default" else {**redis, "KEY_PREFIX": alias}
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    # Room for a province's pages and each event's VEVENTs (Django's default is 300 entries, fewer
    # than one feed's events): beyond it a third of that cache's entries are dropped, no other's.
    entries = {"default": 1_000, "pages": 20_000, "feed_parts": 50_000}[alias]
    return {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": f"portal-{alias}",
        "OPTIONS": {"MAX_ENTRIES": entries},
    }


def email_from_env(url: str) -> dict:
    """Django's EMAIL_* settings from EMAIL_URL: `smtp://host:25`, `smtp+tls://user:pass@host:587`
    (STARTTLS), `smtps://user:pass@host:465` (TLS from the start), or `console://` (print the mail)."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in {"smtp", "smtp+tls", "smtps", "smtp+ssl"}:
        raise ValueError(f"EMAIL_URL: unknown scheme {parts.scheme!r} (smtp, smtp+tls, smtps or console)")
    secure = parts.scheme in {"smtps", "smtp+ssl"}
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if secure else 587 if parts.scheme == "smtp+tls" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_USE_SSL": secure,
    }


def otp_required_from_env() -> list[str]:
    """OTP_REQUIRED_FOR: superusers and provincial staff unless set; "none" for nobody. A word it does not
    know stops the start, so that a typo never turns the second factor off."""
    words = [word.lower() for word in env_list("OTP_REQUIRED_FOR") or ["superusers", "provincial"]]
    if unknown := set(words) - {"superusers", "provincial", "staff", "none"}:
        raise ImproperlyConfigured(
            f"OTP_REQUIRED_FOR: unknown {', '.join(sorted(unknown))} (superusers, provincial, staff or none)"
        )
    return [word for word in words if word != "none"]


def caches_from_env() -> dict:
    return {alias: cache_from_env(alias) for alias in ("default", "pages", "feed_parts")}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal",
    "events",
    "institutions",
    "core",
    "axes",
    # Two-factor sign-in to the admin (portal/two_factor.py): an authenticator app (TOTP) and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First: answers anonymous requests for the public pages, feeds and APIs from the cache before
    # anything else runs (core/public_cache.py). What the middleware below adds to a response (the
    # security headers, the Content-Security-Policy) was added before it was kept, and is kept with it;
    # a plain-HTTP request is never answered from the entry of an HTTPS one (the scheme is in the key),
    # so SecurityMiddleware still redirects it.
    "core.public_cache.PublicCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Each host's Wagtail site and home page from the cache (core/sites.py).
    "core.sites.KnownSiteMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Which second factor, if any, this session has passed (request.user.is_verified()).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Who must give a second factor and has not: the verification or enrolment screen, nothing else.
    "portal.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: it answers locked-out logins.
    "axes.middleware.AxesMiddleware",
]

# Login protection (django-axes): 5 failed logins for a username from one address lock it for 15 minutes.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The client's address. By default the connection's own (REMOTE_ADDR), which no client can forge. Behind
# reverse proxies, set TRUSTED_PROXY_COUNT to how many of them append to X-Forwarded-For (1 for one nginx),
# and optionally TRUSTED_PROXY_IPS to their address prefixes: the address the last of them saw is used.
# Without it, every user behind the proxy shares its address, and five wrong passwords lock a username
# for everyone.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_IPWARE_PROXY_ORDER = "right-most"
if TRUSTED_PROXY_COUNT:
    AXES_IPWARE_PROXY_COUNT = TRUSTED_PROXY_COUNT
    AXES_IPWARE_PROXY_TRUSTED_IPS = env_list("TRUSTED_PROXY_IPS") or None
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# A wrong code at the two-factor step counts as a failed login too (portal/two_factor.py); neither the
# code nor the password typed is kept in the failures' records.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]
# Wagtail's front-end login (/_util/login/) without `next` goes to the home page.
LOGIN_REDIRECT_URL = "/"

# Two-factor sign-in to the admin (README, "Two-factor sign-in"): who must give a code from an authenticator
# app after the password. OTP_REQUIRED_FOR is a comma-separated list of "superusers", "provincial" (the
# province's group, institutions.roles.PROVINCE_GROUP) and "staff" (everyone who may use the admin);
# "none" requires it of nobody. Staff not required may still set it up from their account, and are then
# asked for it too. Development and the test suite turn it off (dev.py, test.py).
OTP_REQUIRED_FOR = otp_required_from_env()
# The name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = "Học tập suốt đời Hà Tĩnh"

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site_navigation",
                "portal.context_processors.map_tiles",
            ],
        },
    },
]


def with_database_options(database: dict) -> dict:
    """Every connection the project opens.

    PostgreSQL: no JIT compilation. The statistics' queries are costed above its threshold but run in
    tens of milliseconds, and compiling them costs more than it saves (the yearly report at the
    benchmark's scale: about 2.05 s with JIT, 1.9 s without, medians of 12 runs each).

    SQLite: several people save at the same moment.

    - WAL: readers never wait for a writer, and a writer never waits for readers.
    - `transaction_mode = "IMMEDIATE"`: a transaction that will write takes the write lock when it
      begins, so it waits its turn instead of failing half-way with "database is locked".
    - `timeout`: how long a connection waits for the write lock (seconds) before giving up.
    - 64 MB of page cache and the file mapped into memory: a month of a province's sessions joined to
      their events reads more than SQLite's default 2 MB.
    """
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    if database["ENGINE"] != "django.db.backends.sqlite3":
        return database
    options = database.setdefault("OPTIONS", {})
    options.setdefault(
        "init_command",
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; "
        "PRAGMA cache_size = -65536; PRAGMA mmap_size = 268435456",
    )
    options.setdefault("transaction_mode", "IMMEDIATE")
    options.setdefault("timeout", int(os.environ.get("SQLITE_TIMEOUT", "120")))
    return database


DATABASES = {
    "default": with_database_options(
        dj_database_url.config(
            default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
            conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
        )
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = caches_from_env()

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language and time. Vietnamese first: LANGUAGE_CODE must be "vi" before the first migrate,
# because Wagtail creates its default Locale from it.
LANGUAGE_CODE = "vi"
LANGUAGES = [
    ("vi", "Tiếng Việt"),
    ("en", "English"),
]
# The project catalogue, then Vietnamese for Wagtail admin strings that Wagtail leaves untranslated.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_admin"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
# Staff all work in Hà Tĩnh: the admin's account page offers this one time zone, not the world's 600.
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
# Our own format modules show dates as dd/mm/yyyy in both languages.
FORMAT_MODULE_PATH = ["portal.formats"]

# Wagtail's own catalogue does not offer Vietnamese for the admin unless permitted explicitly.
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Page addresses in plain ASCII (/lop-doc-sach/, not /lớp-đọc-sách/): they survive being pasted into Zalo,
# SMS and printed posters. A page that has a slug keeps it (core.text.AsciiSlugMixin).
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
WAGTAIL_TIME_FORMAT = "%H:%M"
WAGTAILADMIN_USER_LOGIN_FORM = "portal.forms.PortalLoginForm"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# The site serves its uploaded images itself (the photos of pages and cards), unless a reverse proxy serves
# MEDIA_ROOT at /media/ (SERVE_MEDIA=0 then).
SERVE_MEDIA = os.environ.get("SERVE_MEDIA", "1") not in ("0", "false", "no", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# The institution page's map (Leaflet, vendored under static/vendor/leaflet/): the tile server's address,
# with Leaflet's {z}/{x}/{y} (and {s}) placeholders, and the attribution its terms ask for, as HTML.
# OpenStreetMap's own by default; its origin is allowed in the pages' img-src (security.py). An empty
# MAP_TILE_URL shows no map, only the link to the coordinates.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = os.environ.get(
    "MAP_TILE_ATTRIBUTION",
    '© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
)

WAGTAIL_SITE_NAME = _("Hà Tĩnh lifelong learning")
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
# Documents go through Wagtail's view (permissions, Content-Disposition), never straight from MEDIA_URL.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Uploads: raster images only (no SVG, which can carry script), and bounded sizes.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Uploads for the import screens are read in memory up to this size.
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", str(5 * 1024 * 1024)))
# A file larger than this is checked and imported by the background worker, with a page that shows how it
# goes and keeps the result (README, "Importing data"); a smaller one within the request.
IMPORT_BACKGROUND_BYTES = int(os.environ.get("IMPORT_BACKGROUND_BYTES", str(64 * 1024)))

# Background work: Django's task framework (django-tasks). The project's own tasks (large imports; later
# mail) go to the "background" queue in the database, run by `manage.py db_worker --backend background`
# (started by `make run` beside the web server). Wagtail's small tasks of every save (its reference and
# search indexes) stay in the request, as Wagtail runs them by default: a page is found at once.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "background": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}

# Mail (registration tickets; SPEC §9): sent by the background worker, never from a request. Through the
# SMTP server EMAIL_URL names, else Django's EMAIL_HOST, EMAIL_PORT, … settings (environment variables of
# the same names). Development prints it (dev settings).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
EMAIL_TIMEOUT = 20
if os.environ.get("EMAIL_URL"):
    globals().update(email_from_env(os.environ["EMAIL_URL"]))
# At most this many messages a day to one address (a digest, reminders, notices, …); 0: no limit. What goes
# over waits for no one: it is logged as held back, and the mail report counts it.
MAIL_DAILY_LIMIT_PER_ADDRESS = int(os.environ.get("MAIL_DAILY_LIMIT_PER_ADDRESS", "10"))
# Asking to subscribe: at most this many requests from one connection (`core.rate_limit`).
SUBSCRIPTION_RATE_LIMIT = os.environ.get("SUBSCRIPTION_RATE_LIMIT", "10/h")
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Học tập suốt đời Hà Tĩnh <no-reply@hoctap.hatinh.gov.vn>"
)

# Registration (SPEC §9). Residents' names, phones, emails and notes are erased this many days after
# their session (`manage.py erase_personal_data`, daily), keeping the counts.
REGISTRATION_RETENTION_DAYS = int(os.environ.get("REGISTRATION_RETENTION_DAYS", "30"))
# Registrations one client address may send: "20/h" (also /m, /d); "0" turns the limit off.
REGISTRATION_RATE_LIMIT = os.environ.get("REGISTRATION_RATE_LIMIT", "20/h")
# Self check-ins from the event's poster one client address may send (a family on one connection, a
# venue's wifi): "30/h" by default, "0" turns the limit off.
CHECK_IN_RATE_LIMIT = os.environ.get("CHECK_IN_RATE_LIMIT", "30/h")

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Sessions are stored this far ahead; `manage.py extend_sessions` (daily) moves the horizon.
EVENTS_SESSION_HORIZON_DAYS = int(os.environ.get("EVENTS_SESSION_HORIZON_DAYS", "548"))
# Feeds default to this window around today.
EVENTS_FEED_DAYS_BACK = 30
EVENTS_FEED_DAYS_AHEAD = 365
# The longest window a feed answers (`from` to `to`, both included): ten years. A longer one gets a 400
# that says so. The feeds join stored VEVENTs (events/feed_entries.py), so a whole calendar of the
# province's scale is a read of its rows, not a writing of its sessions.
EVENTS_FEED_MAX_DAYS = int(os.environ.get("EVENTS_FEED_MAX_DAYS", "3653"))
# How long anonymous visitors get the listing, directory and APIs (and the feeds) from the cache;
# publishing anything starts afresh at once (core/public_cache.py).
PUBLIC_CACHE_SECONDS = int(os.environ.get("PUBLIC_CACHE_SECONDS", "60"))
# The public results (/ket-qua/) and the open data's smaller downloads: a new figure shows within this time.
RESULTS_CACHE_SECONDS = int(os.environ.get("RESULTS_CACHE_SECONDS", "300"))
# The largest response kept in a process's local-memory cache (a shared Redis has its own memory limit).
PUBLIC_CACHE_LOCAL_MAX_BYTES = int(os.environ.get("PUBLIC_CACHE_LOCAL_MAX_BYTES", str(512 * 1024)))
FEED_CACHE_SECONDS = int(os.environ.get("FEED_CACHE_SECONDS", "300"))
# The most new VEVENT pieces one feed request keeps in the `feed_parts` cache (a tenth of its room in
# local memory): one whole-calendar request cannot push out what the other feeds keep there.
FEED_PARTS_STORED_PER_REQUEST = int(os.environ.get("FEED_PARTS_STORED_PER_REQUEST", "5000"))
# Indicators (SPEC §4): sessions a class, club or interest group must hold in a year to count as regular,
# and the base year of average growth (None: the first year with data).
INDICATORS_REGULAR_SESSIONS = 10
INDICATORS_BASE_YEAR = None
