"""Administrative units, institution pages with their opening hours, and yearly service records."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from anyascii import anyascii
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from .public_cache import cache_publicly, filter_form_cache
from .record_rules import MAX_VISITS, validate_institution_day, validate_record_day

__all__ = [
    "AdministrativeUnit",
    "VisitCount",
    "Closure",
    "InstitutionIndexPage",
    "InstitutionPage",
    "OpeningHours",
    "ServiceRecord",
    "StaffScope",
]


def period_covers(first: dt.date | None, last: dt.date | None, day: dt.date) -> bool:
    """Whether `day` is within [first, last]; an empty bound is open."""
    return (first is None or first <= day) and (last is None or last >= day)


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    VILLAGE = "village", _("Village")


class AdministrativeUnitQuerySet(models.QuerySet):
    def valid_on(self, day: dt.date) -> AdministrativeUnitQuerySet:
        """Units that existed on `day` (open-ended bounds count as always)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def for_code(self, code: str, on: dt.date | None = None) -> AdministrativeUnit | None:
        """The unit a statistics code names on a day (today by default).

        Codes were reused in the 2025 reorganisation, so a code can name two units. The one valid on
        the day wins; a code that names no unit on that day falls back to its most recent unit, so a
        dissolved district (Can Lộc, 443) can still be looked up.
        """
        on = on or timezone.localdate()
        candidates = list(self.filter(code=code.strip()))
        if not candidates:
            return None
        for unit in candidates:
            if unit.is_valid_on(on):
                return unit
        return max(candidates, key=lambda unit: unit.valid_from or dt.date.min)

    def descendant_ids(self, unit: AdministrativeUnit, include_self: bool = True) -> set[int]:
        """Primary keys of every unit below `unit` (one query per level of the tree)."""
        found = {unit.pk} if include_self else set()
        frontier = [unit.pk]
        while frontier:
            frontier = list(self.filter(parent_id__in=frontier).values_list("pk", flat=True))
            found.update(frontier)
        return found


class AdministrativeUnit(models.Model):
    """A province, district, commune or village, with the period it existed in.

    (code, valid_from) identifies a unit: the 1 July 2025 reorganisation reused codes.
    """

    code = models.CharField(_("statistics code"), max_length=10, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    unit_type = models.CharField(
        _("type"), max_length=30, help_text=_("tỉnh, huyện, thị xã, xã, phường, thị trấn, thôn…")
    )
    level = models.CharField(_("level"), max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["level", "code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "valid_from"],
                condition=Q(valid_from__isnull=False),
                name="unit_code_valid_from_unique",
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(valid_from__isnull=True), name="unit_code_unique_original"
            ),
        ]

    def __str__(self) -> str:
        label = f"{self.unit_type[:1].upper()}{self.unit_type[1:]} {self.name}"
        if self.valid_to and self.valid_to < timezone.localdate():
            return _("%(unit)s (until %(date)s)") % {
                "unit": label,
                "date": self.valid_to.strftime("%d/%m/%Y"),
            }
        return label

    def is_valid_on(self, day: dt.date) -> bool:
        return period_covers(self.valid_from, self.valid_to, day)

    def area_value(self, code_is_shared: bool) -> str:
        """The `area` parameter that selects exactly this unit (see `parse_area`).

        A code shared with a unit of the other snapshot is dated when this unit is not today's.
        """
        if not code_is_shared or self.is_valid_on(timezone.localdate()):
            return self.code
        return f"{self.code}@{(self.valid_to or self.valid_from).isoformat()}"

    @classmethod
    def parse_area(cls, value: str) -> AdministrativeUnit | None:
        """Read an `area` parameter: `CODE`, or `CODE@YYYY-MM-DD` for the unit valid on that day."""
        code, _sep, day = value.strip().partition("@")
        on = None
        if day:
            try:
                on = dt.date.fromisoformat(day)
            except ValueError:
                return None
        if not code.isdigit():
            return None
        return cls.objects.for_code(code, on=on)


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """A stored choice's label, as `get_FOO_display()` gives it but without rebuilding the field's
    choices on each call: a listing or directory page shows dozens."""
    try:
        return choices(value).label
    except ValueError:
        return value


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


class InstitutionIndexPage(Page):
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
            .order_by("title")
        )

    def get_context(self, request, *args, **kwargs):
        from .filters import InstitutionFilter

        context = super().get_context(request, *args, **kwargs)
        filterset = InstitutionFilter(request.GET or None, queryset=self.institutions())
        paginator = Paginator(filterset.qs, self.page_size)
        context.update(
            filterset=filterset,
            page_obj=paginator.get_page(request.GET.get("page")),
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


class InstitutionPage(Page):
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
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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
        FieldPanel("image"),
        FieldRowPanel([FieldPanel("opened_on"), FieldPanel("closed_on")]),
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
    template = "pages/institution_page.html"
    # Public by nature: view restrictions are refused (README, "Private pages").
    private_page_options: list[str] = []

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def clean(self):
        super().clean()
        if self.opened_on and self.closed_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("The closing date is before the opening date.")})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})

    def save(self, *args, **kwargs):
        refresh_search_text(
            self, " ".join([self.title, self.address, self.code]), kwargs, {"title", "address", "code"}
        )
        return super().save(*args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.localtime()
        context.update(now=now, open_now=self.is_open(now))
        return context

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


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


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


def fold_text(text: str) -> str:
    """Lower case without diacritics: "Thư viện Đồng Lộc" -> "thu vien dong loc"."""
    return anyascii(text).lower()


def refresh_search_text(instance: models.Model, text: str, save_kwargs: dict, sources: set[str]) -> None:
    """Set `search_text` before a save that writes the fields it is made of (`sources`).

    A save that names other `update_fields` leaves it alone: Wagtail's `save_revision` saves a draft's
    bookkeeping on the page row while the page object holds the draft's title, and public search
    follows the published version only.
    """
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None and not sources.intersection(update_fields):
        return
    instance.search_text = fold_text(text)
    if update_fields is not None and "search_text" not in update_fields:
        save_kwargs["update_fields"] = [*update_fields, "search_text"]


class ServiceRecord(models.Model):
    """What an institution offered in one year, as its staff report it (SPEC §3)."""

    institution = models.ForeignKey(
        InstitutionPage,
        verbose_name=_("institution"),
        on_delete=models.CASCADE,
        related_name="service_records",
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    lifelong_learning_services = models.BooleanField(
        _("lifelong learning services"),
        default=False,
        help_text=_("The institution provided services for lifelong learning this year."),
    )
    digital_transformation = models.BooleanField(
        _("digital transformation"),
        default=False,
        help_text=_("The institution used IT and digital tools to organise its services this year."),
    )
    note = models.TextField(_("note"), blank=True)

    panels = [
        FieldPanel("institution"),
        FieldPanel("year"),
        FieldPanel("lifelong_learning_services"),
        FieldPanel("digital_transformation"),
        FieldPanel("note"),
    ]

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-year", "institution__title"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="one_service_record_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.institution} – {self.year}"


def units_for_choices(units: Iterable[AdministrativeUnit]) -> list:
    """Grouped <select> choices: today's units first, then the units before 1 July 2025."""
    units = list(units)
    today = timezone.localdate()
    code_counts = Counter(unit.code for unit in units)
    current, former = [], []
    for unit in units:
        choice = (unit.area_value(code_counts[unit.code] > 1), str(unit))
        (current if unit.is_valid_on(today) else former).append(choice)
    return [(_("Current units"), current), (_("Before 1 July 2025"), former)]


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


class VisitCountQuerySet(models.QuerySet):
    def in_year(self, year: int) -> VisitCountQuerySet:
        return self.filter(date__year=year)


class VisitCount(models.Model):
    """Door counts (ISO 2789 / TCVN 12843:2019): a person entering is a visit; twice is two visits."""

    institution = models.ForeignKey(
        InstitutionPage, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="visit_counts"
    )
    period = models.CharField(_("period"), max_length=5, choices=VisitPeriod.choices, default=VisitPeriod.DAY)
    date = models.DateField(
        _("date"),
        help_text=_("The day, or the first day of the month for a monthly count."),
        validators=[validate_record_day],
    )
    purpose = models.CharField(_("purpose"), max_length=10, choices=VisitPurpose.choices)
    channel = models.CharField(
        _("channel"), max_length=10, choices=VisitChannel.choices, default=VisitChannel.ONSITE
    )
    visits = models.PositiveIntegerField(_("visits"), validators=[MaxValueValidator(MAX_VISITS)])

    objects = VisitCountQuerySet.as_manager()

    panels = [
        FieldPanel("institution"),
        FieldRowPanel([FieldPanel("period"), FieldPanel("date")]),
        FieldRowPanel([FieldPanel("purpose"), FieldPanel("channel")]),
        FieldPanel("visits"),
    ]

    class Meta:
        verbose_name = _("visit count")
        verbose_name_plural = _("visit counts")
        ordering = ["-date", "institution__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "period", "date", "purpose", "channel"],
                name="one_visit_count_per_slot",
            )
        ]
        indexes = [
            models.Index(fields=["date", "institution"], name="visit_date_institution"),
            # An institution's first day with learning visits (the indicators' base year), found
            # at the start of its part of the index.
            models.Index(
                fields=["institution", "purpose", "date", "visits"], name="visit_institution_purpose"
            ),
        ]

    def __str__(self) -> str:
        when = (
            self.date.strftime("%m/%Y")
            if self.period == VisitPeriod.MONTH
            else self.date.strftime("%d/%m/%Y")
        )
        return f"{self.institution} – {when}: {self.visits}"

    def clean(self):
        if self.period == VisitPeriod.MONTH and self.date and self.date.day != 1:
            self.date = self.date.replace(day=1)


class StaffScope(models.Model):
    """What a staff group acts for: one institution (its editors), an area (its officers), or the province."""

    group = models.OneToOneField(
        "auth.Group", verbose_name=_("group"), on_delete=models.CASCADE, related_name="staff_scope"
    )
    institution = models.ForeignKey(
        InstitutionPage,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="staff_scopes",
    )
    area = models.ForeignKey(
        AdministrativeUnit, verbose_name=_("area"), null=True, blank=True, on_delete=models.PROTECT
    )
    province = models.BooleanField(_("whole province"), default=False)

    class Meta:
        verbose_name = _("staff scope")
        verbose_name_plural = _("staff scopes")
        constraints = [
            models.CheckConstraint(
                condition=Q(institution__isnull=False, area__isnull=True, province=False)
                | Q(institution__isnull=True, area__isnull=False, province=False)
                | Q(institution__isnull=True, area__isnull=True, province=True),
                name="staff_scope_is_one_thing",
            )
        ]

    def __str__(self) -> str:
        return self.group.name
