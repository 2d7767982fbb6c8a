"""The plan's targets, against which the indicators are measured."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel


class Target(models.Model):
    """A target of the province's plan (reference plan_targets.csv), editable by statistics staff."""

    indicator = models.CharField(_("indicator"), max_length=64)
    group = models.CharField(_("group"), max_length=64)
    target_2025 = models.DecimalField(_("target for 2025"), max_digits=6, decimal_places=2)
    target_2030_min = models.DecimalField(_("target for 2030 (from)"), max_digits=6, decimal_places=2)
    target_2030_max = models.DecimalField(
        _("target for 2030 (to)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("For a range such as 10–12%; empty for a single value."),
    )
    unit = models.CharField(
        _("unit"), max_length=32, help_text=_("percent_of_institutions or percent_per_year")
    )
    source_text = models.TextField(_("wording in the plan"), blank=True)

    panels = [
        FieldPanel("indicator", read_only=True),
        FieldPanel("group", read_only=True),
        FieldPanel("target_2025"),
        FieldPanel("target_2030_min"),
        FieldPanel("target_2030_max"),
        FieldPanel("source_text"),
    ]

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "group"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "group"], name="one_target_per_indicator_group")
        ]

    def __str__(self) -> str:
        return f"{self.indicator} / {self.group}"

    def for_year(self, year: int):
        """The milestone a year is measured against: 2025's until 2025, then 2030's (its lower bound)."""
        return self.target_2025 if year <= 2025 else self.target_2030_min
