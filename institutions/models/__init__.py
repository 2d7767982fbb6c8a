"""The institutions' models, one module each by what they hold; import them from here."""

from .commendations import Commendation, CommendationQuerySet
from .imports import ImportRun
from .pages import Closure, InstitutionIndexPage, InstitutionPage, InstitutionPageQuerySet, OpeningHours
from .receipts import EntryReceipt
from .records import ServiceRecord, VisitCount, VisitCountQuerySet
from .staff import StaffScope
from .tallies import VisitTally
from .units import AdministrativeUnit, AdministrativeUnitQuerySet, period_covers, units_for_choices

__all__ = [
    "AdministrativeUnit",
    "AdministrativeUnitQuerySet",
    "Closure",
    "Commendation",
    "CommendationQuerySet",
    "EntryReceipt",
    "ImportRun",
    "InstitutionIndexPage",
    "InstitutionPage",
    "InstitutionPageQuerySet",
    "OpeningHours",
    "ServiceRecord",
    "StaffScope",
    "VisitCount",
    "VisitCountQuerySet",
    "VisitTally",
    "period_covers",
    "units_for_choices",
]
