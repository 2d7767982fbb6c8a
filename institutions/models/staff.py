"""Which institutions, area or province a staff group acts for (README, "Roles")."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .pages import InstitutionPage
from .units import AdministrativeUnit


class StaffScope(models.Model):
    """What a staff group acts for: one institution (its editors), an area (its officers), or the province."""

    group = models.OneToOneField(
        "auth.Group", verbose_name=_("group"), on_delete=models.CASCADE, related_name="staff_scope"
    )
    institution = models.ForeignKey(
        InstitutionPage,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_scopes",
    )
    area = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT
    )
    province = models.BooleanField(_("whole province"), default=False)

    class Meta:
        verbose_name = _("staff scope")
        verbose_name_plural = _("staff scopes")
        constraints = [
            models.CheckConstraint(
                condition=Q(institution__isnull=False, area__isnull=True, province=False)
                | Q(institution__isnull=True, area__isnull=False, province=False)
                | Q(institution__isnull=True, area__isnull=True, province=True),
                name="staff_scope_is_one_thing",
            )
        ]

    def __str__(self) -> str:
        return self.group.name
