"""The yearly tallies of each institution's door counts (SPEC §4): what the indicators and the yearly report
add up."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import VisitChannel, VisitPurpose
from .pages import InstitutionPage


class VisitTally(models.Model):
    """One institution's door counts of one year, purpose and channel, added up.

    The indicators and the yearly report add these rows instead of the year's daily counts. A row is a
    function of the institution's visit counts only, and is written by `institutions.tallies` in the same
    transaction as they are: never a cache that could serve an old figure.
    """

    institution = models.ForeignKey(InstitutionPage, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    purpose = models.CharField(max_length=10, choices=VisitPurpose.choices)
    channel = models.CharField(max_length=10, choices=VisitChannel.choices)
    # Every count of the year, and their visits (the yearly report's table).
    counts = models.PositiveIntegerField(default=0)
    visits = models.PositiveBigIntegerField(default=0)
    # The counts within MAX_VISITS, and their visits: what the indicators add (a larger one is a data
    # error, listed for correction instead).
    usable_counts = models.PositiveIntegerField(default=0)
    usable_visits = models.PositiveBigIntegerField(default=0)
    # The months with a count, one bit each (January 1, February 2, … December 2048): the report's
    # list of months without one.
    months = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("visit tally")
        verbose_name_plural = _("visit tallies")
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "year", "purpose", "channel"], name="one_visit_tally"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution_id} {self.year} {self.purpose}/{self.channel}: {self.visits}"
