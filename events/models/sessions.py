"""Stored sessions: each occurrence of an event as a row that listings, feeds and attendance read."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import models
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.atomic import AtomicSave
from core.links import page_urls
from core.photos import THUMBNAIL_SPECS
from core.text import choice_label
from institutions.models import InstitutionPage

from ..choices import EventKind, RegistrationMode, SessionStatus
from ..seats import offer


class SessionQuerySet(models.QuerySet):
    def for_listing(self) -> SessionQuerySet:
        """The published schedule, with what a listing shows.

        Only published events have sessions in the schedule: publishing an event materialises them
        and unpublishing it (by hand or when it expires) takes them out (`events.signals`), so the
        listings need not join every session to its page to ask whether the event is live.
        """
        return self.filter(in_schedule=True).select_related("event", "institution", "institution__unit")

    def listed(self, request=None, thumbnails: bool = False) -> list[ListedSession]:
        """The sessions as lists show them: times, status, the event's title, link, kind and price,
        and the institution's name, read as plain rows. Lists show up to a few hundred sessions, and
        building a Wagtail page model for each event and institution would cost more than the rest.
        With `thumbnails`, the events' photos and their thumbnails too, in two more queries."""
        events: dict[int, ListedEvent] = {}
        url_paths: dict[int, str] = {}
        institutions: dict[int, ListedInstitution] = {}
        sessions = []
        for (
            pk,
            start,
            end,
            all_day,
            status,
            event_id,
            title,
            url_path,
            kind,
            is_free,
            image_id,
            image_alt,
            place_id,
            place,
            *rest,
        ) in self.values_list(*LISTED_COLUMNS):
            registration, seats = rest[: len(REGISTRATION_COLUMNS)], rest[len(REGISTRATION_COLUMNS) :]
            if (event := events.get(event_id)) is None:
                event = ListedEvent(
                    event_id, title, None, kind, is_free, image_id, image_alt, None, *registration
                )
                events[event_id] = event
                url_paths[event_id] = url_path
            if (institution := institutions.get(place_id)) is None:
                institution = institutions[place_id] = ListedInstitution(place_id, place)
            sessions.append(ListedSession(pk, start, end, all_day, status, event, institution, *seats))
        urls = page_urls(url_paths.values(), request)  # at once: one `reverse` for each site
        for event_id, event in events.items():
            event.url = urls[url_paths[event_id]]
        if thumbnails:
            add_thumbnails(events.values())
        return sessions

    def titles(self, request=None) -> list[SessionTitle]:
        """The sessions as a month's cells show them: the time, and the event's title and link."""
        rows = list(self.values_list("pk", "start", "all_day", "event__title", "event__url_path"))
        urls = page_urls({url_path for *_rest, url_path in rows}, request)
        return [SessionTitle(*row[:4], urls[row[4]]) for row in rows]

    def matching(self, query: str) -> SessionQuerySet:
        """Sessions of the events whose title contains every word of `query` (`EventPage.matching`)."""
        event_page = self.model._meta.get_field("event").related_model
        return self.filter(event__in=event_page.objects.matching(query))

    def not_cancelled(self) -> SessionQuerySet:
        return self.exclude(status=SessionStatus.CANCELLED)

    def upcoming(self, now: dt.datetime | None = None) -> SessionQuerySet:
        """Sessions that have not ended yet, soonest first."""
        return self.filter(end__gt=now or timezone.now()).order_by("start", "pk")

    def coming(self, now: dt.datetime | None = None) -> SessionQuerySet:
        """Sessions that have not ended and began at most a day ago: everything but what `running_long`
        gives. Bounded by start, so the database reads the start index from there on."""
        now = now or timezone.now()
        return self.filter(end__gt=now, start__gte=now - LONG_SESSION)

    def running_long(self, now: dt.datetime | None = None) -> SessionQuerySet:
        """Sessions longer than a day that began more than a day ago and are still on (exhibitions)."""
        now = now or timezone.now()
        return self.filter(spans_days=True, end__gt=now, start__lt=now - LONG_SESSION)

    def between(self, first_day: dt.date, last_day: dt.date) -> SessionQuerySet:
        """Sessions starting on any day from `first_day` to `last_day` inclusive (local days)."""
        return self.filter(start__gte=local_midnight(first_day), start__lt=local_midnight(last_day, 1))

    def touching(self, first_day: dt.date, last_day: dt.date) -> SessionQuerySet:
        """Sessions starting in the days, or scheduled in them before being moved out."""
        first, after = local_midnight(first_day), local_midnight(last_day, 1)
        return self.filter(
            models.Q(start__gte=first, start__lt=after)
            | models.Q(original_start__gte=first, original_start__lt=after)
        )


LONG_SESSION = dt.timedelta(days=1)
# What `events.seats.offer` reads of an event, in the order of `ListedEvent`'s fields.
REGISTRATION_COLUMNS = (
    "event__registration_mode", "event__capacity", "event__waitlist", "event__registration_opens",
    "event__registration_closes", "event__whole_course", "event__start",
)  # fmt: skip
LISTED_COLUMNS = (
    "pk", "start", "end", "all_day", "status",
    "event_id", "event__title", "event__url_path", "event__kind", "event__is_free",
    "event__image_id", "event__image_alt",
    "institution_id", "institution__title",
    *REGISTRATION_COLUMNS,
    "capacity", "seats_taken", "waiting", "in_schedule",
)  # fmt: skip


@dataclasses.dataclass(eq=False, slots=True)
class ListedEvent:
    pk: int
    title: str
    url: str | None
    kind: str
    is_free: bool
    image_id: int | None = None
    image_alt: str = ""
    image: object = None  # the Wagtail image, with its thumbnails read (`add_thumbnails`)
    # Registration (SPEC §9): what `events.seats.offer` reads of the event.
    registration_mode: str = "none"
    capacity: int | None = None
    waitlist: bool = False
    registration_opens: dt.datetime | None = None
    registration_closes: dt.datetime | None = None
    whole_course: bool = False
    start: dt.datetime | None = None

    @property
    def kind_label(self) -> str:
        return choice_label(EventKind, self.kind)


def add_thumbnails(events) -> None:
    from wagtail.images import get_image_model

    wanted = {event.image_id for event in events if event.image_id}
    if not wanted:
        return
    images = get_image_model().objects.prefetch_renditions(*THUMBNAIL_SPECS).in_bulk(wanted)
    for event in events:
        event.image = images.get(event.image_id)


@dataclasses.dataclass(eq=False, slots=True)
class ListedInstitution:
    pk: int
    title: str


@dataclasses.dataclass(eq=False, slots=True)
class ListedSession:
    """A session in a list (`SessionQuerySet.listed()`)."""

    pk: int
    start: dt.datetime
    end: dt.datetime
    all_day: bool
    status: str
    event: ListedEvent
    institution: ListedInstitution
    capacity: int | None = None
    seats_taken: int = 0
    waiting: int = 0
    in_schedule: bool = True
    others: int = 0  # in a listing: how many more sessions of the event match
    distance: float | None = None  # in a listing by distance ("Gần tôi"): km from the chosen area

    @property
    def offer(self):
        """Seats left and whether it takes registrations now (`events.seats.offer`); None without."""
        return None if self.event.registration_mode == RegistrationMode.NONE else offer(self, self.event)

    # The words of a card, put together here rather than in its template: a listing page shows up to
    # seventy cards, and each tag and filter of a template costs more than the line of Python it saves.

    @property
    def hours(self) -> str:
        """Its hours, "08:00–10:00", or "All day" (a card in a list by day)."""
        if self.all_day:
            return gettext("All day")
        return f"{timezone.localtime(self.start):%H:%M}–{timezone.localtime(self.end):%H:%M}"

    @property
    def dates(self) -> str:
        """Its dates, "01/12/2026 to 31/01/2027" (a card of something on for several days)."""
        start, end = timezone.localtime(self.start), timezone.localtime(self.end)
        return gettext("%(start)s to %(end)s") % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"}

    @property
    def others_label(self) -> str:
        """How many more sessions of its event match ("and 47 more sessions"); "" when none do."""
        if not self.others:
            return ""
        text = ngettext("and %(counter)s more session", "and %(counter)s more sessions", self.others)
        return text % {"counter": localize(self.others)}


@dataclasses.dataclass(eq=False, slots=True)
class SessionTitle:
    """A session in a month's cell (`SessionQuerySet.titles()`)."""

    pk: int
    start: dt.datetime
    all_day: bool
    title: str
    url: str | None

    @property
    def clock(self) -> str:
        """Its time before the title ("08:00 "); nothing for a session of the whole day."""
        return "" if self.all_day else f"{timezone.localtime(self.start):%H:%M} "


def is_long(start: dt.datetime, end: dt.datetime) -> bool:
    return end - start > LONG_SESSION


def local_midnight(day: dt.date, days_after: int = 0) -> dt.datetime:
    return dt.datetime.combine(
        day + dt.timedelta(days=days_after), dt.time.min, tzinfo=timezone.get_default_timezone()
    )


NOT_HELD_YET = _("This session has not taken place yet: its attendance can be recorded once it has begun.")


class Session(AtomicSave, models.Model):
    """One occurrence of an event, stored so that listings, feeds and attendance read rows."""

    # Both looked up through the indexes below, which begin with them.
    event = models.ForeignKey(
        "events.EventPage", on_delete=models.CASCADE, related_name="sessions", db_index=False
    )
    institution = models.ForeignKey(
        InstitutionPage, on_delete=models.CASCADE, related_name="sessions", db_index=False
    )
    # The time the rule gives this occurrence: its RECURRENCE-ID, kept when the session moves.
    original_start = models.DateTimeField()
    start = models.DateTimeField()
    end = models.DateTimeField()
    all_day = models.BooleanField(default=False)
    # An extra date (RDATE) rather than an occurrence of the rule.
    is_extra = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    note = models.CharField(max_length=255, blank=True)
    # False when the event was unpublished, or a schedule change dropped a session that has records:
    # such a session is kept so that no count is lost, but it is no longer shown.
    in_schedule = models.BooleanField(default=True)
    # Longer than a day (set on save): the listing shows such sessions apart while they run.
    spans_days = models.BooleanField(default=False, editable=False)
    # Registration (SPEC §9): this session's own capacity, when it differs from the event's.
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    # Counters written with the session row locked (`events.registering`): seats of the confirmed
    # registrations, people on the waiting list, people checked in.
    seats_taken = models.PositiveIntegerField(default=0, editable=False)
    waiting = models.PositiveIntegerField(default=0, editable=False)
    checked_in = models.PositiveIntegerField(default=0, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "original_start"], name="one_session_per_occurrence")
        ]
        indexes = [
            # The listings' and the month view's order, with every column their scans test: the
            # database answers them from the index alone, without reading the table.
            models.Index(
                fields=["start", "id", "end", "status", "in_schedule", "event"], name="session_listing"
            ),
            models.Index(fields=["institution", "start"], name="session_institution_start"),
            # An event's sessions in a window, for the filters that pick events first (kind, audience,
            # topic, text), with every column the listing tests: answered from the index alone.
            models.Index(
                fields=["event", "start", "id", "end", "status", "in_schedule"], name="session_event_listing"
            ),
            # Few rows: the sessions of several days (exhibitions), for the listing's "on now".
            models.Index(fields=["end"], condition=models.Q(spans_days=True), name="session_running_long"),
            # Few rows: the sessions with check-ins, which count when no headcount was typed (indicators).
            models.Index(
                fields=["institution", "start"],
                condition=models.Q(checked_in__gt=0),
                name="session_checked_in",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event.title} – {timezone.localtime(self.start):%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        self.spans_days = is_long(self.start, self.end)
        super().save(*args, **kwargs)  # in a transaction, with the event's tallies (`events.signals`)

    def has_begun(self, now: dt.datetime | None = None) -> bool:
        """Whether the session has started: only then can anyone have attended it."""
        return self.start <= (now or timezone.now())

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    def has_records(self) -> bool:
        """Whether attendance, a registration or a check-in was recorded for this session (then it is never
        deleted)."""
        return (
            Session.objects.filter(pk=self.pk, attendance__isnull=False).exists()
            or self.registrations.exists()
            or self.held_by.exists()
            or self.check_ins.exists()
        )
