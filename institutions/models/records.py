"""What institutions report: yearly service records and visit counts (SPEC §3)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from core.atomic import AtomicSave

from ..choices import VisitChannel, VisitPeriod, VisitPurpose
from ..record_rules import MAX_VISITS, validate_record_day
from .pages import InstitutionPage


class ServiceRecord(models.Model):
    """What an institution offered in one year, as its staff report it (SPEC §3)."""

    institution = models.ForeignKey(
        InstitutionPage,
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="service_records",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    lifelong_learning_services = models.BooleanField(
        _("lifelong learning services"),
        default=False,
        help_text=_("The institution provided services for lifelong learning this year."),
    )
    digital_transformation = models.BooleanField(
        _("digital transformation"),
        default=False,
        help_text=_("The institution used IT and digital tools to organise its services this year."),
    )
    note = models.TextField(_("note"), blank=True)

    panels = [
        FieldPanel("institution"),
        FieldPanel("year"),
        FieldPanel("lifelong_learning_services"),
        FieldPanel("digital_transformation"),
        FieldPanel("note"),
    ]

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-year", "institution__title"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="one_service_record_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.institution} – {self.year}"


class VisitCountQuerySet(models.QuerySet):
    def in_year(self, year: int) -> VisitCountQuerySet:
        return self.filter(date__year=year)


class VisitCount(AtomicSave, models.Model):
    """Door counts (ISO 2789 / TCVN 12843:2019): a person entering is a visit; twice is two visits."""

    institution = models.ForeignKey(
        InstitutionPage, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="visit_counts"
    )
    period = models.CharField(_("period"), max_length=5, choices=VisitPeriod.choices, default=VisitPeriod.DAY)
    date = models.DateField(
        _("date"),
        help_text=_("The day, or the first day of the month for a monthly count."),
        validators=[validate_record_day],
    )
    purpose = models.CharField(_("purpose"), max_length=10, choices=VisitPurpose.choices)
    channel = models.CharField(
        _("channel"), max_length=10, choices=VisitChannel.choices, default=VisitChannel.ONSITE
    )
    visits = models.PositiveIntegerField(_("visits"), validators=[MaxValueValidator(MAX_VISITS)])

    objects = VisitCountQuerySet.as_manager()

    panels = [
        FieldPanel("institution"),
        FieldRowPanel([FieldPanel("period"), FieldPanel("date")]),
        FieldRowPanel([FieldPanel("purpose"), FieldPanel("channel")]),
        FieldPanel("visits"),
    ]

    class Meta:
        verbose_name = _("visit count")
        verbose_name_plural = _("visit counts")
        ordering = ["-date", "institution__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "period", "date", "purpose", "channel"],
                name="one_visit_count_per_slot",
            )
        ]
        indexes = [
            models.Index(fields=["date", "institution"], name="visit_date_institution"),
            # An institution's first day with learning visits (the indicators' base year), found
            # at the start of its part of the index.
            models.Index(
                fields=["institution", "purpose", "date", "visits"], name="visit_institution_purpose"
            ),
        ]

    def __str__(self) -> str:
        when = (
            self.date.strftime("%m/%Y")
            if self.period == VisitPeriod.MONTH
            else self.date.strftime("%d/%m/%Y")
        )
        return f"{self.institution} – {when}: {self.visits}"

    def clean(self):
        if self.period == VisitPeriod.MONTH and self.date and self.date.day != 1:
            self.date = self.date.replace(day=1)
