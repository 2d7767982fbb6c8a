from django.apps import AppConfig
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
