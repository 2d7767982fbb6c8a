from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Events")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import public_cache

        from . import signals
        from .filters import SessionFilter

        signals.connect()
        # What the listing, the sessions API and the feeds read of a query (the public cache's key).
        public_cache.register_filterset(SessionFilter, rename=SessionFilter.parameter_name)
        public_cache.register_parameters("view", "month", "include_cancelled")
        checks.register(registration_settings)


def registration_settings(app_configs=None, **kwargs):
    """A mistyped REGISTRATION_RATE_LIMIT is said at start, not at a resident's first registration."""
    from django.conf import settings

    from core.rate_limit import parse_rate

    try:
        parse_rate(settings.REGISTRATION_RATE_LIMIT)
    except ValueError as error:
        return [checks.Error(str(error), id="events.E001", obj="REGISTRATION_RATE_LIMIT")]
    return []
