from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import public_cache

        from .filters import StoryFilter

        public_cache.register_filterset(StoryFilter)
