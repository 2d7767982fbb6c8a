"""Each event's VEVENTs as a feed sends them, written when its schedule changes (`events.feed_entries`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from institutions.models import InstitutionPage


class FeedEntry(models.Model):
    """One event's VEVENT block (its rule, dates off and extra, moved sessions) in one language.

    The row with no window holds every session of the event; a row with a window holds only the
    sessions touching those days, for the feeds' default window (today's and tomorrow's), which
    events running across its edges would otherwise have to be cut to on every request.
    `first_start`/`last_start` (the earliest and latest start, moved or as scheduled) tell a feed
    whether the whole block fits its window; `version` grows with every write (it is the write's time
    in seconds) and makes the ETag and Last-Modified.
    """

    # Without database constraints: Wagtail unpublishes a page it deletes (which writes the event's
    # empty row) after the deletion has collected what to delete; `events.signals` removes the rows.
    event = models.ForeignKey(
        "events.EventPage", on_delete=models.DO_NOTHING, related_name="+", db_index=False, db_constraint=False
    )
    institution = models.ForeignKey(
        InstitutionPage, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False
    )
    language = models.CharField(max_length=8)
    window_first = models.DateField(null=True)
    window_last = models.DateField(null=True)
    first_start = models.DateTimeField(null=True)
    last_start = models.DateTimeField(null=True)
    # False once the event has left the schedule (kept, empty, so that the feeds' ETag changes), and
    # for a window row when none of the event's sessions starts in the window.
    listed = models.BooleanField(default=True)
    version = models.PositiveBigIntegerField(default=1)
    # Which writer made `body` (`events.feed_entries.WRITER`): older rows are written again by `migrate`.
    writer = models.PositiveSmallIntegerField()
    written_at = models.DateTimeField()
    body = models.BinaryField()

    class Meta:
        verbose_name = _("feed entry")
        verbose_name_plural = _("feed entries")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "language"],
                condition=models.Q(window_first__isnull=True),
                name="one_whole_feed_entry",
            ),
            models.UniqueConstraint(
                fields=["event", "language", "window_first", "window_last"],
                condition=models.Q(window_first__isnull=False),
                name="one_feed_entry_per_window",
            ),
        ]
        indexes = [
            # A feed's events: the whole blocks whose schedule overlaps its window.
            models.Index(fields=["language", "window_first", "first_start"], name="feed_entry_window"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} {self.language} {self.window_first or ''}–{self.window_last or ''}"
