from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstitutionsConfig(AppConfig):
    name = "institutions"
    verbose_name = _("Institutions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import public_cache

        from . import signals
        from .filters import InstitutionFilter

        signals.connect()
        public_cache.register_filterset(InstitutionFilter)
        public_cache.register_parameters("page", "page_size")
