"""The home page: the site's root, with entries to the directory and the calendar."""

import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from events.choices import SessionStatus
from events.models import Campaign, EventIndexPage, Session
from institutions.models import InstitutionIndexPage, InstitutionPage

__all__ = ["HomePage", "Target"]


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["institutions.InstitutionIndexPage", "events.EventIndexPage"]
    max_count = 1
    template = "pages/home_page.html"
    # Public by nature: view restrictions are refused (README, "Private pages").
    private_page_options: list[str] = []

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        today = timezone.localdate()
        week_end = today + dt.timedelta(days=6 - today.weekday())
        context.update(
            directory=InstitutionIndexPage.objects.live().first(),
            calendar=EventIndexPage.objects.live().first(),
            institution_count=InstitutionPage.objects.live().count(),
            this_week=(
                Session.objects.for_listing()
                .exclude(status=SessionStatus.CANCELLED)
                .between(today, week_end)
                .upcoming()[:8]
                .listed(request)
            ),
            week_end=week_end,
            campaigns=list(Campaign.objects.running_on(today)),
        )
        return context


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
