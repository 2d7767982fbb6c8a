from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import public_cache

        from . import seat_parts, signals
        from .filters import SessionFilter
        from .seats import SEAT_PARTS

        signals.connect()
        # What the listing, the sessions API and the feeds read of a query (the public cache's key).
        public_cache.register_filterset(SessionFilter, rename=SessionFilter.parameter_name)
        public_cache.register_parameters("view", "month", "include_cancelled")
        public_cache.register_parameters("limit")  # the widget's (events.widget_views)
        public_cache.register_fresh_parts(SEAT_PARTS, seat_parts.fill, keep=seat_parts.keep)
        checks.register(registration_settings)
        checks.register(mail_links_are_https, checks.Tags.security, deploy=True)


def registration_settings(app_configs=None, **kwargs):
    """A mistyped rate limit is said at start, not at a resident's first registration or check-in."""
    from django.conf import settings

    from core.rate_limit import parse_rate

    errors = []
    for name in ["REGISTRATION_RATE_LIMIT", "CHECK_IN_RATE_LIMIT", "SUBSCRIPTION_RATE_LIMIT"]:
        try:
            parse_rate(getattr(settings, name))
        except ValueError as error:
            errors.append(checks.Error(str(error), id="events.E001", obj=name))
    return errors


def mail_links_are_https(app_configs=None, **kwargs):
    """Mail links (tickets, one-click unsubscribe: RFC 8058 wants https) are made on WAGTAILADMIN_BASE_URL."""
    from django.conf import settings

    if not settings.WAGTAILADMIN_BASE_URL.startswith("https://"):
        return [
            checks.Warning(
                "WAGTAILADMIN_BASE_URL is not an https:// address: the links in mail (tickets, unsubscribe) "
                "would be plain http, which mail programs refuse for one-click unsubscribe (RFC 8058).",
                id="events.W002",
            )
        ]
    return []
