"""The one FilterSet behind the listing page, the sessions API and the iCalendar feeds (SPEC §5).

The listing page renders it, so it imports the modules of the models it needs, not the models package.
"""

import datetime as dt

import django_filters
from django import forms
from django.db.models import Case, Exists, F, OuterRef, Q, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from institutions.choices import InstitutionKind
from institutions.filters import AreaFilter, ChoicesFilter, NearFilter, QuickSelectMultiple, RowsFilter
from institutions.models import InstitutionPage

from .choices import AudienceCode, EventKind, RegistrationMode, SessionStatus
from .models.sessions import Session, local_midnight
from .models.vocabulary import Audience, Campaign, Topic

ISO_DATE = ["%Y-%m-%d"]
# The dates a filter accepts: far beyond any session, and far from the edges of Python's dates, where
# moving to local midnight or to UTC overflows.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)


def date_in_range(day: dt.date | None) -> bool:
    return day is None or EARLIEST_DATE <= day <= LATEST_DATE


class BoundedDateField(forms.DateField):
    default_error_messages = {
        "out_of_range": _("Choose a date from %(first)s to %(last)s."),
    }

    def validate(self, value):
        super().validate(value)
        if not date_in_range(value):
            raise forms.ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={"first": f"{EARLIEST_DATE:%d/%m/%Y}", "last": f"{LATEST_DATE:%d/%m/%Y}"},
            )


class BoundedDateFilter(django_filters.DateFilter):
    field_class = BoundedDateField


TRUE_VALUES = {"1", "true", "on", "yes"}
FALSE_VALUES = {"", "0", "false", "off", "no"}


class FlagInput(forms.CheckboxInput):
    """A checkbox whose submitted text the field reads, so that `free=0` means "not only free"."""

    def value_from_datadict(self, data, files, name):
        return data.get(name, "")


class FlagField(forms.Field):
    widget = FlagInput

    def to_python(self, value):
        text = str(value).strip().lower()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return None
        raise forms.ValidationError(_("Use 1 or 0."), code="invalid")


class FlagFilter(django_filters.Filter):
    field_class = FlagField


class SessionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=200)
    from_ = BoundedDateFilter(
        field_name="from",
        method="starting_from",
        label=_("From"),
        input_formats=ISO_DATE,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    to = BoundedDateFilter(
        method="starting_until",
        label=_("To"),
        input_formats=ISO_DATE,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    # Each filter below follows foreign keys forwards, so no row can repeat: no DISTINCT, which would
    # keep the database from reading sessions in start order.
    kind = ChoicesFilter(
        distinct=False,
        field_name="event__kind",
        choices=EventKind.choices,
        label=_("Kind"),
        widget=forms.CheckboxSelectMultiple,
    )
    audience = django_filters.MultipleChoiceFilter(
        method="for_audiences",
        choices=AudienceCode.choices,
        label=_("For"),
        widget=forms.CheckboxSelectMultiple,
    )
    topic = RowsFilter(
        method="about_topics",
        queryset=Topic.objects.all(),
        to_field_name="slug",
        label=_("Topic"),
        widget=QuickSelectMultiple,
    )
    campaign = RowsFilter(
        method="in_campaigns",
        queryset=Campaign.objects.all(),
        to_field_name="slug",
        label=_("Campaign"),
        widget=QuickSelectMultiple,
    )
    institution = RowsFilter(
        distinct=False,
        field_name="institution__code",
        # Published institutions only: an unpublished one's code answers as an unknown code does.
        queryset=InstitutionPage.objects.live(),
        to_field_name="code",
        label=_("Institution"),
        widget=forms.MultipleHiddenInput,
    )
    institution_kind = ChoicesFilter(
        distinct=False,
        field_name="institution__kind",
        choices=InstitutionKind.choices,
        label=_("Place"),
        widget=forms.CheckboxSelectMultiple,
    )
    area = AreaFilter(unit_path="institution__unit", label=_("Area"))
    free = FlagFilter(field_name="event__is_free", label=_("Free only"))
    near = NearFilter(path="institution__", label=_("Nearest to"))
    registration = django_filters.ChoiceFilter(
        method="taking_registrations",
        choices=[("open", _("Taking registrations now"))],
        label=_("Taking registrations now"),
        empty_label=_("Any"),
    )

    class Meta:
        model = Session
        fields: list[str] = []

    # The filters whose answer is the same for every session of an event.
    OF_EVENTS = frozenset({"q", "kind", "audience", "topic", "campaign", "free"})

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters = {self.parameter_name(name): f for name, f in self.filters.items()}

    def of_sessions_only(self, queryset):
        """`queryset` filtered by what can differ between the sessions of an event (place, dates,
        registration): for the sessions of events already known to match the rest, the same rows as
        `qs` without joining each session to its event (validate the filters first)."""
        for name, value in self.form.cleaned_data.items():
            if name not in self.OF_EVENTS:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    @staticmethod
    def parameter_name(name: str) -> str:
        """`from` is a Python keyword: the filter is `from_`, the parameter `from`."""
        return "from" if name == "from_" else name

    def search(self, queryset, name, value):
        return queryset.matching(value)

    def starting_from(self, queryset, name, value):
        return queryset.filter(start__gte=local_midnight(value))

    def starting_until(self, queryset, name, value):
        return queryset.filter(start__lt=local_midnight(value, days_after=1))

    # The filters that read a column of the session's event: with any of them set, the database reads
    # each matching event's row before its sessions.
    ON_EVENT_ROWS = frozenset({"kind", "campaign", "free", "registration"})

    def for_audiences(self, queryset, name, value):
        if not value:
            return queryset
        links = Audience.events.through.objects.filter(audience__code__in=value)
        return self.linked_to(queryset, links, value, event__audiences__code=value[0])

    def about_topics(self, queryset, name, value):
        if not value:
            return queryset
        links = Topic.events.through.objects.filter(topic__in=value)
        return self.linked_to(queryset, links, value, event__topics=value[0])

    def linked_to(self, queryset, links, value, **the_one):
        """Sessions of the events that have one of `value` in a link table (`links`, the rows of
        audiences or topics that match), or `the_one` when there is one value.

        Written for the database's plan, which differs with the other filters (SQLite, the default
        dataset, the free classes and clubs for adults: 4.9 ms as a subquery of linked events, 2.1 ms
        as a join). With a filter on the event's own row, the events come first, so one value is a
        join from each event to its link (an event has a value once: no row repeats). Otherwise the
        sessions come first in start order and each one's event is looked up in the link table,
        which stops at the first page's rows (0.6 ms, against 8.7 ms for reading every event of the
        audience first); several values with event filters take that form too, as a join would
        repeat an event linked to two of them.
        """
        if len(value) == 1 and any(self.form.cleaned_data.get(name) for name in self.ON_EVENT_ROWS):
            return queryset.filter(**the_one)
        return queryset.filter(Exists(links.filter(eventpage_id=OuterRef("event_id"))))

    def taking_registrations(self, queryset, name, value):
        """`registration=open`: sessions that take a registration now, a seat or a place in the queue
        (what `events.seats.offer` says, as one condition on the session's row and its event's)."""
        if value != "open":
            return queryset
        now = timezone.now()
        closes = Case(
            When(event__registration_closes__isnull=False, then=F("event__registration_closes")),
            When(event__whole_course=True, then=F("event__start")),
            default=F("start"),
        )
        return (
            queryset.exclude(event__registration_mode=RegistrationMode.NONE)
            .exclude(status=SessionStatus.CANCELLED)
            .filter(Q(event__registration_opens__isnull=True) | Q(event__registration_opens__lte=now))
            .alias(registration_closes=closes, seats=Coalesce("capacity", "event__capacity"))
            .filter(registration_closes__gt=now)
            .filter(Q(seats__isnull=True) | Q(seats_taken__lt=F("seats")) | Q(event__waitlist=True))
        )

    def in_campaigns(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(event__campaign__in=value)
