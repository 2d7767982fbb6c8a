"""Local development: only loosens base."""

import os

from .base import *  # noqa: F403
from .base import env_list

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-secret-key-not-for-production"  # noqa: F405
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
if not os.environ.get("EMAIL_URL"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # the worker prints the mail
# Static files come straight from the app and project folders; nothing is collected in development.
STATIC_ROOT = None
# No second factor asked of anyone in development (the dev admin signs in with its password); staff may
# still set one up from their account to try it (README, "Two-factor sign-in").
OTP_REQUIRED_FOR = []
