"""The listing page and the event pages, with their dates off, extra dates and moved sessions."""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from core.photos import PhotoMixin, photo_panel
from core.public_cache import cache_publicly
from core.sites import KnownViewRestrictions
from core.text import AsciiSlugMixin, choice_label, fold_text, plain_text, refresh_search_text
from institutions.models import InstitutionPage
from institutions.roles import may_see_personal_data

from ..choices import EventKind, RegistrationMode, SessionStatus, Venue
from ..listing import listing_context
from ..recurrence import EventPageForm
from ..schedule_text import days_until, schedule_sentence
from ..seats import SEAT_PARTS
from .vocabulary import Audience, Campaign, Topic


class EventIndexPage(KnownViewRestrictions, Page):
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
        context = super().get_context(request, *args, **kwargs)
        context.update(listing_context(self, request))
        return context

    def serve(self, request, *args, **kwargs):
        # The same for every visitor; what has ended drops out within a minute.
        return cache_publicly(super().serve(request, *args, **kwargs), settings.PUBLIC_CACHE_SECONDS)


def new_uid() -> str:
    return f"{uuid.uuid4()}@hoctap.hatinh.gov.vn"


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


class EventPage(KnownViewRestrictions, AsciiSlugMixin, PhotoMixin, Page):
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
        _("how to register"),
        max_length=255,
        blank=True,
        help_text=_("How to register other than on the portal, if needed (a phone number, a place)."),
    )
    # Taking seats on the portal (SPEC §9, `events.registering`).
    registration_mode = models.CharField(
        _("registration on the portal"),
        max_length=10,
        choices=RegistrationMode.choices,
        default=RegistrationMode.NONE,
    )
    capacity = models.PositiveIntegerField(
        _("seats per session"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: no limit. A session may have its own number (its roster in the admin)."),
    )
    waitlist = models.BooleanField(
        _("waiting list"),
        default=True,
        help_text=_("When the seats are taken, people may join a waiting list."),
    )
    registration_opens = models.DateTimeField(
        _("registration opens"),
        null=True,
        blank=True,
        help_text=_("Empty: as soon as the event is published."),
    )
    registration_closes = models.DateTimeField(
        _("registration closes"), null=True, blank=True, help_text=_("Empty: when the session starts.")
    )
    max_seats = models.PositiveSmallIntegerField(
        _("most seats per person"), default=4, validators=[MinValueValidator(1), MaxValueValidator(50)]
    )
    whole_course = models.BooleanField(
        _("register for the whole course"),
        default=False,
        help_text=_("One registration takes a seat in every session of the series, all or none."),
    )
    description = RichTextField(_("description"), blank=True)

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
            heading=_("Price"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("registration_mode"),
                FieldRowPanel([FieldPanel("capacity"), FieldPanel("max_seats")]),
                FieldPanel("waitlist"),
                FieldRowPanel([FieldPanel("registration_opens"), FieldPanel("registration_closes")]),
                FieldPanel("whole_course"),
            ],
            heading=_("Registration"),
        ),
        FieldPanel("description"),
        photo_panel(),
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
        self.clean_photo()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The event ends before it starts.")})
        if self.venue == Venue.ADDRESS and not self.venue_address:
            raise ValidationError({"venue_address": _("Give the address.")})
        if self.venue == Venue.ONLINE and not self.online_url:
            raise ValidationError({"online_url": _("Give the link.")})
        self.clean_registration()

    def clean_registration(self):
        opens, closes = self.registration_opens, self.registration_closes
        if opens and closes and closes <= opens:
            raise ValidationError({"registration_closes": _("Registration closes before it opens.")})
        if self.pk and self.capacity is not None:
            # Nobody loses a seat silently: a session with more seats taken keeps its number.
            over = (
                self.sessions.filter(capacity__isnull=True, seats_taken__gt=self.capacity)
                .order_by("-seats_taken")
                .first()
            )
            if over is not None:
                raise ValidationError(
                    {
                        "capacity": _(
                            "%(count)s seats are already taken in the session of %(date)s: the number of "
                            "seats cannot be lower. Cancel registrations in its roster first."
                        )
                        % {"count": over.seats_taken, "date": f"{timezone.localtime(over.start):%d/%m/%Y}"}
                    }
                )

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
        sessions = list(self.sessions.filter(in_schedule=True).upcoming()[:100])
        location = self.location_text(institution)
        schedule = self.sessions.filter(in_schedule=True).order_by("original_start")
        next_session = next((s for s in sessions if s.status != SessionStatus.CANCELLED), None)
        context.update(
            # What each session offers is written by `{% seats_part %}` (`events.seat_parts`).
            takes_registrations=self.registration_mode != RegistrationMode.NONE,
            institution=institution,
            sessions=sessions,
            location=location,
            schedule_summary=schedule_sentence(
                self, list(schedule.only("event", "original_start", "is_extra", "status"))
            ),
            next_session=next_session,
            audiences=list(self.audiences.all()),  # each read once, though the page shows them twice
            topics=list(self.topics.all()),
            next_in=days_until(timezone.localtime(next_session.start).date()) if next_session else "",
            json_ld=self.json_ld(request, institution, sessions, location),
            # The institution's staff print the self check-in poster from here (the page is not cached).
            show_poster=may_see_personal_data(request.user, institution.pk),
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
            data["description"] = plain_text(self.description)[:500]
        # Escaped so that no text can close the <script> element it is written into.
        return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")

    def serve(self, request, *args, **kwargs):
        # The same for every anonymous visitor (staff, who may see the poster link, have a session and
        # are never served from the cache), "in 3 days" at most a minute old. What the sessions of an
        # event that takes registrations offer is written again for every visitor (`events.seat_parts`):
        # its seats left are true at once, to the resident who has just taken one as to the next.
        response = super().serve(request, *args, **kwargs)
        taking = self.registration_mode != RegistrationMode.NONE
        return cache_publicly(
            response, settings.PUBLIC_CACHE_SECONDS, fresh_parts=SEAT_PARTS if taking else ""
        )


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
