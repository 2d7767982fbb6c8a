"""The words events are described and found by: audiences, topics, observances and campaigns."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from ..choices import AudienceCode


class Audience(models.Model):
    """One of SPEC §3's fixed audiences; the rows are created by a migration."""

    code = models.CharField(_("code"), max_length=32, unique=True, choices=AudienceCode.choices)

    class Meta:
        verbose_name = _("audience")
        verbose_name_plural = _("audiences")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.get_code_display())


class Topic(models.Model):
    """A subject an event is about (snippet): reading, local history, digital skills…"""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    slug = models.SlugField(_("code"), max_length=100, unique=True)

    panels = [FieldPanel("name"), FieldPanel("name_en"), FieldPanel("slug")]

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Observance(models.Model):
    """A national day or yearly campaign (reference/observances.csv)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    day = models.PositiveSmallIntegerField(_("day"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("observance")
        verbose_name_plural = _("observances")
        ordering = ["month", "day", "name"]

    def __str__(self) -> str:
        return self.name


class CampaignQuerySet(models.QuerySet):
    def running_on(self, day: dt.date) -> CampaignQuerySet:
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class Campaign(models.Model):
    """One year's edition of an observance or campaign, e.g. "Ngày Sách và Văn hóa đọc Việt Nam 2026"."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    slug = models.SlugField(_("code"), max_length=200, unique=True)
    observance = models.ForeignKey(
        Observance, verbose_name=_("observance"), null=True, blank=True, on_delete=models.SET_NULL
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    objects = CampaignQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("observance"),
        FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
    ]

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The campaign ends before it starts.")})
