"""Tests: fast and isolated. SQLite in memory unless DATABASE_URL names another database."""

import os

import dj_database_url

from .base import *  # noqa: F403
from .base import caches_from_env, with_database_options

SECRET_KEY = "test-secret-key-used-only-by-the-test-suite"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
DATABASES = {
    "default": with_database_options(
        dj_database_url.parse(os.environ.get("DATABASE_URL", "sqlite://:memory:"))
    )
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Local memory, or the Redis that CACHE_URL names (CI runs the suite once that way: make test-redis).
CACHES = caches_from_env()
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
STATIC_ROOT = None  # static files come from the finders; nothing is collected in tests
# The suite signs staff in with force_login and the password: nobody is asked for a second factor unless a
# test says so (tests/portal/test_two_factor.py sets OTP_REQUIRED_FOR). The browser tests' server runs the
# production settings, which ask it of superusers and provincial staff (tests/browser/conftest.py).
OTP_REQUIRED_FOR = []
