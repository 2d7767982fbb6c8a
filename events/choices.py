"""The events' choice lists: no models here, so that filters, feeds, forms and models can all import them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    CLASS = "class", _("Class")
    CLUB = "club", _("Club")
    INTEREST_GROUP = "interest_group", _("Interest group")
    READING = "reading", _("Reading event")
    EXHIBITION = "exhibition", _("Exhibition")
    TALK = "talk", _("Talk")
    CONTEST = "contest", _("Contest")
    HERITAGE_EDUCATION = "heritage_education", _("Heritage education")
    MOBILE_LIBRARY = "mobile_library", _("Mobile library")
    PERFORMANCE = "performance", _("Performance")
    SPORT = "sport", _("Sport")
    OTHER = "other", _("Other")


class AudienceCode(models.TextChoices):
    CHILDREN = "children", _("Children")
    TEENAGERS = "teenagers", _("Teenagers")
    ADULTS = "adults", _("Adults")
    OLDER_PEOPLE = "older_people", _("Older people")
    FAMILIES = "families", _("Families")
    PEOPLE_WITH_DISABILITIES = "people_with_disabilities", _("People with disabilities")


class Venue(models.TextChoices):
    INSTITUTION = "institution", _("At the institution")
    ADDRESS = "address", _("At another address")
    ONLINE = "online", _("Online")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    MOVED = "moved", _("Moved")
    CANCELLED = "cancelled", _("Cancelled")


class RegistrationMode(models.TextChoices):
    NONE = "none", _("No registration")
    OPTIONAL = "optional", _("Registration optional")
    REQUIRED = "required", _("Registration required")
