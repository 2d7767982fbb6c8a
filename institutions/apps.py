from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("Institutions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import public_cache, signals
        from .filters import InstitutionFilter

        signals.connect()
        public_cache.connect_signals()
        public_cache.register_filterset(InstitutionFilter)
        public_cache.register_parameters("page", "page_size")
