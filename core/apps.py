from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Site-wide pieces")

    def ready(self):
        from . import public_cache

        public_cache.connect_signals()
