"""The institutions' choice lists: no models here, so that filters, forms and models can all import them."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    VILLAGE = "village", _("Village")


class InstitutionKind(models.TextChoices):
    LIBRARY = "library", _("Library")
    MUSEUM = "museum", _("Museum")
    CULTURAL_CENTRE = "cultural_centre", _("Cultural centre")
    COMMUNITY_LEARNING_CENTRE = "community_learning_centre", _("Community learning centre")


class InstitutionLevel(models.TextChoices):
    PROVINCE = "province", pgettext_lazy("institution level", "Province")
    DISTRICT = "district", pgettext_lazy("institution level", "District")
    COMMUNE = "commune", pgettext_lazy("institution level", "Commune")
    VILLAGE = "village", pgettext_lazy("institution level", "Village")


class Sector(models.TextChoices):
    PUBLIC = "public", _("Public")
    ARMED_FORCES = "armed_forces", _("Armed forces")
    EDUCATION = "education", _("Education")
    COMMUNITY = "community", _("Community")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class VisitPurpose(models.TextChoices):
    LEARNING = "learning", _("Learning (study, research, reading, information)")
    OTHER = "other", _("Other")


class VisitChannel(models.TextChoices):
    ONSITE = "onsite", _("On site")
    VIRTUAL = "virtual", _("Virtual")
    OUTREACH = "outreach", _("Outreach")


class VisitPeriod(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
