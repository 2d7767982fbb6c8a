"""The yearly tallies of each event's sessions (SPEC §4): what the indicators and the yearly report add up."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import InstitutionPage


class SessionTally(models.Model):
    """One event's sessions at one institution in one (local) year, counted.

    The indicators and the yearly report add these rows instead of joining every session to its headcount.
    A row is a function of the event's sessions and their attendance only, and is written by
    `events.tallies` in the same transaction as they are: never a cache that could serve an old figure.
    Whether a session is *held* also depends on its event being published; that is read with the rows
    (`event__live`), never stored in them.
    """

    # The event's page row (`wagtailcore.Page`, whose id is the event's): what the statistics read of it is
    # its publication (`event__live`, one join); its kind, audiences and campaign are `event__eventpage__…`.
    event = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    institution = models.ForeignKey(InstitutionPage, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    # Sessions not cancelled: held, when the event is published.
    sessions = models.PositiveIntegerField(default=0)
    # Of those, the ones with a headcount within MAX_ATTENDEES, and the people it counts.
    headcounts = models.PositiveIntegerField(default=0)
    attendance = models.PositiveBigIntegerField(default=0)
    # Of those, the ones without a headcount that people checked in to, and those people.
    checked_sessions = models.PositiveIntegerField(default=0)
    checked_in = models.PositiveBigIntegerField(default=0)
    # The yearly report's tallies: each session's headcount, else its check-ins (no cap), and the number
    # of sessions counted at all.
    people = models.PositiveBigIntegerField(default=0)
    counted = models.PositiveIntegerField(default=0)
    # Sessions with a headcount or a check-in, cancelled or not: the indicators' base year.
    recorded = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("session tally")
        verbose_name_plural = _("session tallies")
        constraints = [
            models.UniqueConstraint(fields=["event", "institution", "year"], name="one_session_tally")
        ]
        indexes = [models.Index(fields=["institution", "year"], name="session_tally_institution")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.institution_id} {self.year}: {self.sessions}"
