"""The directory page and the institution pages, with their opening hours and closures."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, HelpPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from core.photos import PhotoMixin, photo_panel, with_thumbnails
from core.public_cache import cache_publicly, filter_form_cache
from core.sites import KnownViewRestrictions
from core.text import AsciiSlugMixin, choice_label, collation_key, fold_text, refresh_search_text

from ..choices import InstitutionKind, InstitutionLevel, Sector, Weekday
from ..filters import InstitutionFilter
from ..geography import distance_km, unit_centres
from ..record_rules import validate_institution_day
from .units import AdministrativeUnit, period_covers


class InstitutionIndexPage(KnownViewRestrictions, Page):
    """The directory of institutions: the only parent of institution pages."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["institutions.InstitutionPage"]
    max_count = 1
    template = "pages/institution_index_page.html"
    # Public by nature: view restrictions are refused (README, "Private pages").
    private_page_options: list[str] = []

    class Meta:
        verbose_name = _("institution directory")
        verbose_name_plural = _("institution directories")

    def institutions(self) -> PageQuerySet:
        return (
            InstitutionPage.objects.child_of(self)
            .live()
            .select_related("unit")
            .prefetch_related("opening_hours", "closures")
            .order_by("sort_key", "pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        filterset = InstitutionFilter(request.GET or None, queryset=self.institutions())
        paginator = Paginator(with_thumbnails(filterset.qs), self.page_size)
        page_obj = paginator.get_page(request.GET.get("page"))
        near = (
            filterset.form.cleaned_data.get("near") if filterset.is_bound and filterset.is_valid() else None
        )
        if near is not None:  # "Gần tôi": each card says how far it is
            origin = unit_centres()[near.pk]
            for institution in page_obj.object_list:
                institution.distance = distance_km(origin, institution.latitude, institution.longitude)
        context.update(
            filterset=filterset,
            near=near,
            page_obj=page_obj,
            paginator=paginator,
            now=timezone.localtime(),
            **filter_form_cache(request),
        )
        return context

    def serve(self, request, *args, **kwargs):
        # The same for every visitor; "open now" is at most a minute old.
        return cache_publicly(super().serve(request, *args, **kwargs), settings.PUBLIC_CACHE_SECONDS)

    page_size = 20


class InstitutionPageQuerySet(PageQuerySet):
    def active_in(self, year: int) -> InstitutionPageQuerySet:
        """Institutions open at some point in `year` (SPEC §4: the indicator's denominator)."""
        return self.filter(
            Q(opened_on__isnull=True) | Q(opened_on__lte=dt.date(year, 12, 31)),
            Q(closed_on__isnull=True) | Q(closed_on__gte=dt.date(year, 1, 1)),
        )

    def matching(self, query: str) -> InstitutionPageQuerySet:
        """Institutions whose name, address or code contain every word of `query`.

        Diacritics and case are ignored, as Vietnamese users often type without them.
        """
        queryset = self
        for word in fold_text(query).split():
            queryset = queryset.filter(search_text__contains=word)
        return queryset

    def in_area(self, unit: AdministrativeUnit) -> InstitutionPageQuerySet:
        """Institutions in `unit` or any unit below it."""
        return self.filter(unit_id__in=AdministrativeUnit.objects.descendant_ids(unit))


InstitutionPageManager = PageManager.from_queryset(InstitutionPageQuerySet)


class InstitutionPage(KnownViewRestrictions, AsciiSlugMixin, PhotoMixin, Page):
    """A library, museum, cultural centre or learning centre, owned by its own editors."""

    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        help_text=_("Stable identifier used by imports and feeds, e.g. TV-TINH. Do not change it."),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=InstitutionKind.choices)
    level = models.CharField(_("level"), max_length=16, choices=InstitutionLevel.choices)
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices)
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="institutions",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    accessibility = models.TextField(
        _("accessibility"),
        blank=True,
        help_text=_("Step-free access, accessible toilets, large-print books, parking…"),
    )
    description = RichTextField(_("description"), blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True, validators=[validate_institution_day])
    closed_on = models.DateField(
        _("closed on"),
        null=True,
        blank=True,
        help_text=_("Leave empty while it operates."),
        validators=[validate_institution_day],
    )
    publishes_directly = models.BooleanField(
        _("editors publish directly"),
        default=False,
        help_text=_("Trusted institutions: their editors publish without the province's review."),
    )
    # Name, address and code without diacritics or case, so "dong loc" finds "Đồng Lộc" on any database.
    search_text = models.TextField(editable=False, default="")
    # The title's place in Vietnamese alphabetical order (`core.text.collation_key`): lists sort by it.
    sort_key = models.CharField(max_length=800, editable=False, default="", db_index=True)

    objects = InstitutionPageManager()

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("code"),
                FieldRowPanel([FieldPanel("kind"), FieldPanel("level"), FieldPanel("sector")]),
                FieldPanel("unit"),
            ],
            heading=_("Classification"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
                FieldPanel("website"),
            ],
            heading=_("Address and contacts"),
        ),
        InlinePanel("opening_hours", heading=_("Opening hours"), label=_("Opening hours")),
        InlinePanel("closures", heading=_("Closures"), label=_("Closure")),
        FieldPanel("accessibility"),
        FieldPanel("description"),
        photo_panel(),
        FieldRowPanel([FieldPanel("opened_on"), FieldPanel("closed_on")]),
        # The code that embeds its coming sessions on its own website (SPEC §12), read-only.
        HelpPanel(template="institutions/admin/widget_panel.html", heading=_("Embed on a website")),
    ]
    settings_panels = Page.settings_panels + [FieldPanel("publishes_directly", permission="superuser")]
    search_fields = Page.search_fields + [
        index.SearchField("address"),
        index.SearchField("description"),
        index.FilterField("kind"),
        index.FilterField("level"),
        index.FilterField("sector"),
    ]

    parent_page_types = ["institutions.InstitutionIndexPage"]
    # Named as strings, not imported: the pages its editors write (events, good model stories) live in
    # the apps above this one.
    subpage_types = ["events.EventPage", "portal.StoryPage"]
    template = "pages/institution_page.html"
    # Public by nature: view restrictions are refused (README, "Private pages").
    private_page_options: list[str] = []

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def clean(self):
        super().clean()
        self.clean_photo()
        if self.opened_on and self.closed_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("The closing date is before the opening date.")})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})

    def save(self, *args, **kwargs):
        refresh_search_text(
            self, " ".join([self.title, self.address, self.code]), kwargs, {"title", "address", "code"}
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "title" in update_fields:
            self.sort_key = collation_key(self.title)
            if update_fields is not None and "sort_key" not in update_fields:
                kwargs["update_fields"] = [*kwargs["update_fields"], "sort_key"]
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read once: "open now", the week's table and the closures all show them.
        prefetch_related_objects([self], "opening_hours", "closures")
        now = timezone.localtime()
        context.update(now=now, open_now=self.is_open(now), commendations=list(self.commendations.all()))
        return context

    def serve(self, request, *args, **kwargs):
        # The same for every anonymous visitor: "open now" and the time it was read are at most a
        # minute old; an edit of the page, its hours or closures shows at once (core.public_cache).
        return cache_publicly(super().serve(request, *args, **kwargs), settings.PUBLIC_CACHE_SECONDS)

    @property
    def kind_label(self) -> str:
        return choice_label(InstitutionKind, self.kind)

    @property
    def level_label(self) -> str:
        return choice_label(InstitutionLevel, self.level)

    @property
    def sector_label(self) -> str:
        return choice_label(Sector, self.sector)

    def is_active_on(self, day: dt.date) -> bool:
        return period_covers(self.opened_on, self.closed_on, day)

    def is_closed_on(self, day: dt.date) -> bool:
        """Closed all day: not operating, or a closure applies."""
        return not self.is_active_on(day) or any(c.applies_on(day) for c in self.closures.all())

    def is_open(self, at: dt.datetime | None = None) -> bool:
        """Whether the doors are open at `at` (now by default), in the portal's time zone."""
        at = timezone.localtime(at)
        if self.is_closed_on(at.date()):
            return False
        return any(hours.covers(at) for hours in self.opening_hours.all())

    def hours_by_weekday(self) -> list[tuple[int, str, list[OpeningHours]]]:
        """Each day of the week, Monday first: (weekday, name, opening periods, empty when closed)."""
        periods = sorted(self.opening_hours.all(), key=lambda h: (h.weekday, h.opens))
        return [
            (weekday, label, [p for p in periods if p.weekday == weekday])
            for weekday, label in Weekday.choices
        ]

    @property
    def map_url(self) -> str:
        if self.latitude is None or self.longitude is None:
            return ""
        return (
            f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
            f"#map=17/{self.latitude}/{self.longitude}"
        )


class OpeningHours(Orderable):
    """One opening period on one day of the week; a day may have several (morning, afternoon)."""

    page = ParentalKey(InstitutionPage, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    panels = [FieldRowPanel([FieldPanel("weekday"), FieldPanel("opens"), FieldPanel("closes")])]

    class Meta(Orderable.Meta):
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self):
        if self.opens is not None and self.closes is not None and self.closes <= self.opens:
            raise ValidationError({"closes": _("Closing time must be after opening time.")})

    def covers(self, at: dt.datetime) -> bool:
        return at.weekday() == self.weekday and self.opens <= at.time() < self.closes


class Closure(Orderable):
    """A day the institution is closed: a date range (holidays) or a monthly rule."""

    class Rule(models.TextChoices):
        DATES = "dates", _("Dates")
        MONTHLY = "monthly", _("Every month")

    class Nth(models.IntegerChoices):
        FIRST = 1, _("first")
        SECOND = 2, _("second")
        THIRD = 3, _("third")
        FOURTH = 4, _("fourth")
        LAST = -1, _("last")

    page = ParentalKey(InstitutionPage, on_delete=models.CASCADE, related_name="closures")
    rule = models.CharField(_("rule"), max_length=10, choices=Rule.choices, default=Rule.DATES)
    start_date = models.DateField(
        _("from"), null=True, blank=True, help_text=_("For a date range: the first closed day.")
    )
    end_date = models.DateField(
        _("to"), null=True, blank=True, help_text=_("For a date range: the last closed day.")
    )
    nth = models.SmallIntegerField(
        _("which"),
        choices=Nth.choices,
        null=True,
        blank=True,
        help_text=_("For a monthly rule: closed the first, second… or last given day."),
    )
    weekday = models.PositiveSmallIntegerField(
        _("day of the week"), choices=Weekday.choices, null=True, blank=True
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    panels = [
        FieldPanel("rule"),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldRowPanel([FieldPanel("nth"), FieldPanel("weekday")]),
        FieldPanel("reason"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def __str__(self) -> str:
        if self.rule == self.Rule.MONTHLY:
            return _("Closed the %(nth)s %(weekday)s of each month") % {
                "nth": self.get_nth_display(),
                "weekday": self.get_weekday_display(),
            }
        if self.end_date and self.end_date != self.start_date:
            return _("Closed from %(start)s to %(end)s") % {
                "start": self.start_date.strftime("%d/%m/%Y"),
                "end": self.end_date.strftime("%d/%m/%Y"),
            }
        return _("Closed on %(date)s") % {"date": self.start_date.strftime("%d/%m/%Y")}

    def clean(self):
        if self.rule == self.Rule.MONTHLY:
            if self.nth is None or self.weekday is None:
                raise ValidationError(_("A monthly closure needs 'which' and a day of the week."))
        else:
            if self.start_date is None:
                raise ValidationError({"start_date": _("Give the first closed day.")})
            if self.end_date and self.end_date < self.start_date:
                raise ValidationError({"end_date": _("The last day is before the first day.")})

    def applies_on(self, day: dt.date) -> bool:
        if self.rule == self.Rule.MONTHLY:
            if self.weekday is None or self.nth is None or day.weekday() != self.weekday:
                return False
            if self.nth > 0:
                return (day.day - 1) // 7 + 1 == self.nth
            return (day + dt.timedelta(days=7)).month != day.month
        if self.start_date is None:
            return False
        return self.start_date <= day <= (self.end_date or self.start_date)
