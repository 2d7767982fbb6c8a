"""Event pages, their schedules, and the sessions materialised from them (SPEC §3)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from institutions.links import PageLink
from institutions.models import InstitutionPage, choice_label, fold_text, refresh_search_text
from institutions.public_cache import cache_publicly
from institutions.record_rules import MAX_ATTENDEES

from .recurrence import EventPageForm

__all__ = [
    "Attendance",
    "Audience",
    "Campaign",
    "EventDate",
    "EventIndexPage",
    "EventKind",
    "EventPage",
    "Observance",
    "Session",
    "SessionChange",
    "Topic",
]


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


class EventIndexPage(Page):
    """The listing of what is on. Created by a migration, so there is always exactly one."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types: list[str] = []
    max_count = 1
    template = "pages/event_index_page.html"
    # Public by nature: view restrictions are refused (README, "Private pages").
    private_page_options: list[str] = []

    class Meta:
        verbose_name = _("event listing")
        verbose_name_plural = _("event listings")

    def get_context(self, request, *args, **kwargs):
        from .views import listing_context

        context = super().get_context(request, *args, **kwargs)
        context.update(listing_context(self, request))
        return context

    def serve(self, request, *args, **kwargs):
        # The same for every visitor; what has ended drops out within a minute.
        return cache_publicly(super().serve(request, *args, **kwargs), settings.PUBLIC_CACHE_SECONDS)


def new_uid() -> str:
    return f"{uuid.uuid4()}@hoctap.hatinh.gov.vn"


class Venue(models.TextChoices):
    INSTITUTION = "institution", _("At the institution")
    ADDRESS = "address", _("At another address")
    ONLINE = "online", _("Online")


def venue_text(venue: str, address: str, online_url: str, institution) -> str:
    """Where an event is held, in words: its address, its link, or its institution's name and address."""
    if venue == Venue.ADDRESS:
        return address
    if venue == Venue.ONLINE:
        return online_url
    return ", ".join(part for part in [institution.title, institution.address] if part) if institution else ""


class EventPageQuerySet(PageQuerySet):
    def matching(self, query: str) -> EventPageQuerySet:
        queryset = self
        for word in fold_text(query).split():
            queryset = queryset.filter(search_text__contains=word)
        return queryset


EventPageManager = PageManager.from_queryset(EventPageQuerySet)


class EventPage(Page):
    """A class, club, reading event, exhibition… of one institution, with its schedule."""

    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices, default=EventKind.CLASS)
    topics = ParentalManyToManyField(Topic, verbose_name=_("topics"), blank=True, related_name="events")
    audiences = ParentalManyToManyField(
        Audience, verbose_name=_("audiences"), blank=True, related_name="events"
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    venue = models.CharField(_("venue"), max_length=16, choices=Venue.choices, default=Venue.INSTITUTION)
    venue_address = models.CharField(
        _("address"), max_length=255, blank=True, help_text=_("When it is held at another address.")
    )
    online_url = models.URLField(_("online link"), blank=True, help_text=_("When it is held online."))
    is_free = models.BooleanField(_("free"), default=True)
    price = models.CharField(_("price"), max_length=100, blank=True, help_text=_("e.g. 20.000 đ a session"))
    registration = models.CharField(
        _("registration"), max_length=255, blank=True, help_text=_("How to register, if needed.")
    )
    description = RichTextField(_("description"), blank=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    # The schedule. Times are Asia/Ho_Chi_Minh wall-clock times (the zone has no daylight saving).
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    all_day = models.BooleanField(_("all day"), default=False)
    rrule = models.CharField(
        _("recurrence rule"), max_length=500, blank=True, help_text=_("RFC 5545 RRULE, set by the form.")
    )

    uid = models.CharField(_("calendar UID"), max_length=255, unique=True, default=new_uid, editable=False)
    search_text = models.TextField(editable=False, default="")

    objects = EventPageManager()
    base_form_class = EventPageForm

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("audiences", widget=forms.CheckboxSelectMultiple),
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
                FieldPanel("campaign"),
            ],
            heading=_("What"),
        ),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("all_day"),
                FieldPanel("repeat"),
                FieldRowPanel([FieldPanel("interval"), FieldPanel("weekdays")]),
                FieldRowPanel([FieldPanel("monthly_by"), FieldPanel("until"), FieldPanel("count")]),
            ],
            heading=_("When"),
        ),
        InlinePanel("dates", heading=_("Dates off and extra dates"), label=_("Date")),
        InlinePanel("changes", heading=_("Moved or cancelled sessions"), label=_("Change")),
        MultiFieldPanel(
            [FieldPanel("venue"), FieldPanel("venue_address"), FieldPanel("online_url")],
            heading=_("Where"),
        ),
        MultiFieldPanel(
            [FieldPanel("is_free"), FieldPanel("price"), FieldPanel("registration")],
            heading=_("Price and registration"),
        ),
        FieldPanel("description"),
        FieldPanel("image"),
    ]
    search_fields = Page.search_fields + [index.SearchField("description")]

    parent_page_types = ["institutions.InstitutionPage"]
    subpage_types: list[str] = []
    template = "pages/event_page.html"
    # Public by nature: view restrictions are refused (README, "Private pages").
    private_page_options: list[str] = []

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [
            # The kind and price filters, answered from the index alone.
            models.Index(fields=["kind", "is_free", "page_ptr"], name="eventpage_kind_free"),
        ]

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The event ends before it starts.")})
        if self.venue == Venue.ADDRESS and not self.venue_address:
            raise ValidationError({"venue_address": _("Give the address.")})
        if self.venue == Venue.ONLINE and not self.online_url:
            raise ValidationError({"online_url": _("Give the link.")})

    def save(self, *args, **kwargs):
        refresh_search_text(self, self.title, kwargs, {"title"})
        return super().save(*args, **kwargs)

    @property
    def institution(self) -> InstitutionPage:
        return InstitutionPage.objects.ancestor_of(self).select_related("unit").get()

    @property
    def kind_label(self) -> str:
        return choice_label(EventKind, self.kind)

    @property
    def duration(self) -> dt.timedelta:
        return self.end - self.start

    def location_text(self, institution: InstitutionPage | None = None) -> str:
        if self.venue == Venue.INSTITUTION:
            institution = institution or self.institution
        return venue_text(self.venue, self.venue_address, self.online_url, institution)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        institution = self.institution
        sessions = list(Session.objects.filter(event=self, in_schedule=True).upcoming()[:100])
        location = self.location_text(institution)
        context.update(
            institution=institution,
            sessions=sessions,
            location=location,
            json_ld=self.json_ld(request, institution, sessions, location),
        )
        return context

    def json_ld(self, request, institution: InstitutionPage, sessions: list, location: str) -> str:
        """schema.org Event for search engines, about the next session (or the first one)."""
        session = next((s for s in sessions if s.status != "cancelled"), None)
        start, end = (session.start, session.end) if session else (self.start, self.end)
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": self.title,
            "url": request.build_absolute_uri(self.get_url(request)),
            "startDate": timezone.localtime(start).isoformat(),
            "endDate": timezone.localtime(end).isoformat(),
            "eventStatus": "https://schema.org/EventScheduled",
            "isAccessibleForFree": self.is_free,
            "organizer": {"@type": "Organization", "name": institution.title},
            "inLanguage": "vi",
        }
        if self.venue == Venue.ONLINE:
            data["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
            data["location"] = {"@type": "VirtualLocation", "url": self.online_url}
        else:
            data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
            place = {"@type": "Place", "name": institution.title, "address": location}
            if self.venue == Venue.INSTITUTION and institution.latitude is not None:
                place["geo"] = {
                    "@type": "GeoCoordinates",
                    "latitude": float(institution.latitude),
                    "longitude": float(institution.longitude),
                }
            data["location"] = place
        if self.description:
            from .ical import plain_text

            data["description"] = plain_text(self.description)[:500]
        # Escaped so that no text can close the <script> element it is written into.
        return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


class EventDate(Orderable):
    """A date without a session (EXDATE), or an extra date (RDATE) at the usual time."""

    class Kind(models.TextChoices):
        EXCLUDE = "exclude", _("No session on this date")
        EXTRA = "extra", _("Extra session on this date")

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="dates")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.EXCLUDE)
    date = models.DateField(_("date"))

    panels = [FieldRowPanel([FieldPanel("kind"), FieldPanel("date")])]

    class Meta(Orderable.Meta):
        verbose_name = _("date")
        verbose_name_plural = _("dates")


class SessionChange(Orderable):
    """One session moved to another time, or cancelled (an override with RECURRENCE-ID)."""

    page = ParentalKey(EventPage, on_delete=models.CASCADE, related_name="changes")
    original_date = models.DateField(_("session of"), help_text=_("The date the session was scheduled for."))
    cancelled = models.BooleanField(_("cancelled"), default=False)
    new_start = models.DateTimeField(_("moved to"), null=True, blank=True)
    new_end = models.DateTimeField(_("new end"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    panels = [
        FieldRowPanel([FieldPanel("original_date"), FieldPanel("cancelled")]),
        FieldRowPanel([FieldPanel("new_start"), FieldPanel("new_end")]),
        FieldPanel("note"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("session change")
        verbose_name_plural = _("session changes")

    def clean(self):
        if not self.cancelled and self.new_start is None:
            raise ValidationError(_("Either cancel the session or give the time it moves to."))
        if self.new_start and self.new_end and self.new_end < self.new_start:
            raise ValidationError({"new_end": _("The session ends before it starts.")})


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    MOVED = "moved", _("Moved")
    CANCELLED = "cancelled", _("Cancelled")


class SessionQuerySet(models.QuerySet):
    def for_listing(self) -> SessionQuerySet:
        """The published schedule, with what a listing shows.

        Only published events have sessions in the schedule: publishing an event materialises them
        and unpublishing it (by hand or when it expires) takes them out (`events.signals`), so the
        listings need not join every session to its page to ask whether the event is live.
        """
        return self.filter(in_schedule=True).select_related("event", "institution", "institution__unit")

    def listed(self, request=None) -> list[ListedSession]:
        """The sessions as lists show them: times, status, the event's title, link, kind and price,
        and the institution's name, read as plain rows. Lists show up to a few hundred sessions, and
        building a Wagtail page model for each event and institution would cost more than the rest."""
        events: dict[int, ListedEvent] = {}
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
            place_id,
            place,
        ) in self.values_list(*LISTED_COLUMNS):
            if (event := events.get(event_id)) is None:
                url = PageLink(url_path).get_url(request)
                event = events[event_id] = ListedEvent(event_id, title, url, kind, is_free)
            if (institution := institutions.get(place_id)) is None:
                institution = institutions[place_id] = ListedInstitution(place_id, place)
            sessions.append(ListedSession(pk, start, end, all_day, status, event, institution))
        return sessions

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
LISTED_COLUMNS = (
    "pk", "start", "end", "all_day", "status",
    "event_id", "event__title", "event__url_path", "event__kind", "event__is_free",
    "institution_id", "institution__title",
)  # fmt: skip


@dataclasses.dataclass(eq=False, slots=True)
class ListedEvent:
    pk: int
    title: str
    url: str | None
    kind: str
    is_free: bool

    @property
    def kind_label(self) -> str:
        return choice_label(EventKind, self.kind)


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


def is_long(start: dt.datetime, end: dt.datetime) -> bool:
    return end - start > LONG_SESSION


def local_midnight(day: dt.date, days_after: int = 0) -> dt.datetime:
    return dt.datetime.combine(
        day + dt.timedelta(days=days_after), dt.time.min, tzinfo=timezone.get_default_timezone()
    )


class Session(models.Model):
    """One occurrence of an event, stored so that listings, feeds and attendance read rows."""

    # Both looked up through the indexes below, which begin with them.
    event = models.ForeignKey(EventPage, on_delete=models.CASCADE, related_name="sessions", db_index=False)
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
        ]

    def __str__(self) -> str:
        return f"{self.event.title} – {timezone.localtime(self.start):%d/%m/%Y %H:%M}"

    def save(self, *args, **kwargs):
        self.spans_days = is_long(self.start, self.end)
        super().save(*args, **kwargs)

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    def has_records(self) -> bool:
        """Whether attendance was recorded for this session (then it is never deleted)."""
        return Attendance.objects.filter(session=self).exists()


class Attendance(models.Model):
    """The headcount of one session; editing replaces it, and every change is in the admin's history."""

    session = models.OneToOneField(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="attendance"
    )
    attendees = models.PositiveIntegerField(_("attendees"), validators=[MaxValueValidator(MAX_ATTENDEES)])
    children = models.PositiveIntegerField(
        _("children"), null=True, blank=True, validators=[MaxValueValidator(MAX_ATTENDEES)]
    )
    women = models.PositiveIntegerField(
        _("women"), null=True, blank=True, validators=[MaxValueValidator(MAX_ATTENDEES)]
    )
    disabled = models.PositiveIntegerField(
        _("people with disabilities"), null=True, blank=True, validators=[MaxValueValidator(MAX_ATTENDEES)]
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    panels = [
        FieldPanel("session", read_only=True),
        FieldPanel("attendees"),
        FieldRowPanel([FieldPanel("children"), FieldPanel("women"), FieldPanel("disabled")]),
        FieldPanel("note"),
    ]

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.session}: {self.attendees}"

    def clean(self):
        for name in ("children", "women", "disabled"):
            part = getattr(self, name)
            if part is not None and self.attendees is not None and part > self.attendees:
                raise ValidationError({name: _("A part cannot be larger than the headcount.")})
