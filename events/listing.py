"""The listing page's context: filtered sessions by day, or a month grid (SPEC §5).

The listing page (`EventIndexPage`) renders it; the sessions API and the feeds read the same FilterSet.
"""

from __future__ import annotations

import calendar as month_calendar
import dataclasses
import datetime as dt
from bisect import bisect_left, bisect_right
from collections import OrderedDict

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, DateTimeField, F, Func, IntegerField
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.public_cache import filter_form_cache
from institutions.geography import distance_km, unit_centres
from institutions.models import InstitutionPage

from .choices import SessionStatus
from .filters import SessionFilter, date_in_range
from .models.sessions import ListedSession, Session, SessionQuerySet, SessionTitle, local_midnight

LISTING_PAGE_SIZE = 50
RUNNING_SHOWN = 20
MONTH_DAY_SHOWN = 4


def query_without(request, *names: str) -> str:
    """The request's query string without some parameters (for links that change only those)."""
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


def filter_chips(request, filterset: SessionFilter) -> list[tuple[str, str]]:
    """The filters in use, each as a label and the link that drops it (shown above the results)."""
    form = filterset.form
    cleaned = getattr(form, "cleaned_data", {})
    chips = []
    for name, field in form.fields.items():
        for value in [value for value in request.GET.getlist(name) if value.strip()]:
            params = request.GET.copy()
            params.setlist(name, [kept for kept in params.getlist(name) if kept != value])
            params.pop("page", None)
            chips.append((chip_label(name, field, value, cleaned.get(name)), f"?{params.urlencode()}"))
    return chips


def chip_label(name: str, field, value: str, cleaned) -> str:
    if name == "q":
        return f"“{value[:40]}”"
    if name in ("from", "to"):
        day = f"{cleaned:%d/%m/%Y}" if isinstance(cleaned, dt.date) else value[:20]
        return (_("From %(day)s") if name == "from" else _("To %(day)s")) % {"day": day}
    if name == "free":
        return str(field.label)
    if name == "area":
        return str(cleaned.name) if cleaned is not None and hasattr(cleaned, "name") else value[:20]
    to_field = getattr(field, "to_field_name", None)
    if to_field:  # topics, campaigns, institutions: the chosen rows, read when the form was checked
        found = {str(getattr(row, to_field)): str(row) for row in (cleaned or [])}
        return found.get(value, value[:40])
    return str(dict(field.choices).get(value, value[:40]))


def listing_context(page, request) -> dict:
    """Context of the listing page: filtered sessions by day, or a month grid (`view=month`)."""
    today = timezone.localdate()
    data = request.GET.copy()
    filterset = SessionFilter(data, queryset=Session.objects.for_listing())
    filterset.is_valid()
    sessions = filterset.qs.exclude(status=SessionStatus.CANCELLED)
    chosen_from = filterset.form.cleaned_data.get("from") if filterset.is_bound else None
    view = "month" if request.GET.get("view") == "month" else "list"
    running_ids = []
    if not chosen_from:
        # By default, what has not ended yet: exhibitions and other sessions of several days that
        # began earlier are shown apart, above the first page.
        if view == "list" and request.GET.get("page") in (None, "", "1"):
            running = sessions.running_long().order_by("end", "pk").values_list("pk", flat=True)
            running_ids = list(running[:RUNNING_SHOWN])
        sessions = sessions.coming()
    near = filterset.form.cleaned_data.get("near") if filterset.is_bound else None
    if near is not None and view == "list":
        # "Gần tôi": the nearest places first, each event once at its next session (CappedPaginator).
        sessions = sessions.order_by(F("near_distance").asc(nulls_last=True), "start", "pk")
        running_ids = []
    else:
        sessions = sessions.order_by("start", "pk")

    chips = filter_chips(request, filterset)
    context = {
        "filterset": filterset,
        "view": view,
        "today": today,
        "chips": chips,
        "clear_filters": "?view=month" if view == "month" else "?",
        # "Nhận tin qua email" for these filters (`events.subscribing` keeps those a weekly list can use).
        "email_query": query_without(request, "page", "view", "month", "from", "to", "near"),
        **filter_form_cache(request),
    }
    context.update(subscribe_links(request, query_without(request, "page", "view", "month")))

    if view == "month":
        month = parse_month(request.GET.get("month"))
        if month is None and request.GET.get("month"):
            message = _("“%(value)s” is not a month from 01/1900 to 12/2200: showing this month.")
            context["month_error"] = message % {"value": request.GET["month"][:20]}
        month = month or today.replace(day=1)
        last_day = month.replace(day=month_calendar.monthrange(month.year, month.month)[1])
        in_month = filterset.qs.exclude(status=SessionStatus.CANCELLED).between(month, last_day)
        counts, by_day = month_days(in_month, month, last_day, request)
        weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
        day_query = query_without(request, "page", "view", "month", "from", "to")
        context.update(
            month=month,
            previous_month=(month - dt.timedelta(days=1)).replace(day=1),
            next_month=last_day + dt.timedelta(days=1),
            weeks=[
                [
                    CalendarDay(
                        day,
                        by_day.get(day, []),
                        day.month == month.month,
                        counts.get(day, 0) - len(by_day.get(day, [])),
                        f"?{day_query}&from={day}&to={day}" if day_query else f"?from={day}&to={day}",
                        day == today,
                    )
                    for day in week
                ]
                for week in weeks
            ],
            session_count=sum(counts.values()),
        )
        return context

    paginator = CappedPaginator(sessions.values_list("pk", "event_id"), LISTING_PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    # The rows of the page and of what is on now, read by id in one query, with only what a list shows.
    rows = {
        session.pk: session
        for session in Session.objects.filter(pk__in=[*running_ids, *page_obj.object_list]).listed(
            request, thumbnails=True
        )
    }
    page_obj.object_list = [rows[pk] for pk in page_obj.object_list if pk in rows]
    # The page's events match the filters of events (kind, audience…): their other sessions are counted
    # by the filters of sessions alone.
    others = filterset.of_sessions_only(Session.objects.filter(in_schedule=True))
    others = others.exclude(status=SessionStatus.CANCELLED)
    count_other_sessions(page_obj.object_list, others if chosen_from else others.coming())
    days: OrderedDict[dt.date, list[ListedSession]] = OrderedDict()
    running = [rows[pk] for pk in running_ids if pk in rows]
    if near is not None:
        add_distances(page_obj.object_list, unit_centres()[near.pk])
        context.update(near=near, nearest=page_obj.object_list)
    else:
        for session in page_obj.object_list:
            days.setdefault(timezone.localtime(session.start).date(), []).append(session)
    context.update(page_obj=page_obj, paginator=paginator, days=days, running=running)
    return context


def add_distances(sessions: list[ListedSession], origin: tuple[float, float]) -> None:
    ids = {session.institution.pk for session in sessions}
    rows = InstitutionPage.objects.filter(pk__in=ids).values_list("pk", "latitude", "longitude")
    places = {pk: (latitude, longitude) for pk, latitude, longitude in rows}
    for session in sessions:
        session.distance = distance_km(origin, *places.get(session.institution.pk, (None, None)))


def count_other_sessions(cards: list[ListedSession], sessions: SessionQuerySet) -> None:
    """Sets on each card how many more of its event's sessions match ("và 47 buổi khác"): one
    grouped count for the events of the page."""
    by_event = {card.event.pk: card for card in cards}
    totals = (
        sessions.filter(event_id__in=by_event).order_by().values_list("event_id").annotate(total=Count("pk"))
    )
    for event_id, total in totals:
        by_event[event_id].others = max(total - 1, 0)


def month_days(
    sessions: SessionQuerySet, first_day: dt.date, last_day: dt.date, request=None
) -> tuple[dict[dt.date, int], dict[dt.date, list[SessionTitle]]]:
    """How many of `sessions` start on each local day, and the first few of each day in order.

    A province has thousands of sessions in a month and hundreds on a busy day: the database works out
    each one's local day, so only ids and day numbers leave it, and whole rows only for those shown.
    """
    days = [first_day + dt.timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    day_index = LocalDayIndex([local_midnight(day) for day in days])
    query = sessions.annotate(day=day_index).order_by("start", "pk").values_list("pk", "day").query
    with connection.cursor() as cursor:  # thousands of pairs of integers, read as the database gives them
        cursor.execute(*query.sql_with_params())
        rows = cursor.fetchall()
    # In order of time, each day's sessions are one run of rows: found by bisection, not row by row.
    indexes = [index for _pk, index in rows]
    counts: dict[dt.date, int] = {}
    day_of: dict[int, dt.date] = {}
    for index, day in enumerate(days):
        first, after = bisect_left(indexes, index), bisect_right(indexes, index)
        if after > first:
            counts[day] = after - first
            day_of.update((pk, day) for pk, _index in rows[first : min(after, first + MONTH_DAY_SHOWN)])
    by_day: dict[dt.date, list[SessionTitle]] = {}
    for session in Session.objects.filter(pk__in=day_of).order_by("start", "pk").titles(request):
        by_day.setdefault(day_of[session.pk], []).append(session)
    return counts, by_day


@dataclasses.dataclass(slots=True)
class CalendarDay:
    """A day of the month grid: its first few sessions (`MONTH_DAY_SHOWN`), and how many more match,
    with the link to them. Its words are put together here rather than in the template: a month has
    up to 42 cells, and each tag and filter of a template costs more than the line of Python it saves."""

    day: dt.date
    sessions: list[SessionTitle]
    in_month: bool
    more: int
    link: str
    is_today: bool = False

    @property
    def number(self) -> int:
        return self.day.day

    @property
    def long_date(self) -> str:
        """The day in words: "Thứ Tư, 09/12/2026"."""
        return date_format(self.day, "l, d/m/Y")

    @property
    def more_label(self) -> str:
        """How many more sessions that day: "thêm 3 buổi ngày 09/12"."""
        text = ngettext("%(counter)s more on %(day)s", "%(counter)s more on %(day)s", self.more)
        return text % {"counter": localize(self.more), "day": f"{self.day:%d/%m}"}


class LocalDayIndex(Func):
    """The index in `midnights` of the local day a session starts on, for sessions that start from
    `midnights[0]` on and before the day after the last: a balanced tree of comparisons, so that the
    database makes five for a month, not up to thirty.

    Written as one expression over the column rather than thirty nested `Case`s, which Django would
    resolve and compare with each other for longer than the database takes to run the query.
    """

    output_field = IntegerField()

    def __init__(self, midnights: list[dt.datetime]):
        super().__init__(F("start"))
        self.midnights = midnights

    def as_sql(self, compiler, connection, **extra_context):
        column, column_params = compiler.compile(self.source_expressions[0])
        field = DateTimeField()
        bounds = [field.get_db_prep_value(midnight, connection) for midnight in self.midnights]

        def tree(first: int, after: int) -> tuple[str, list]:
            if after - first == 1:
                return str(first), []
            middle = (first + after) // 2
            below, below_params = tree(first, middle)
            above, above_params = tree(middle, after)
            sql = f"CASE WHEN {column} < %s THEN {below} ELSE {above} END"
            return sql, [*column_params, bounds[middle], *below_params, *above_params]

        return tree(0, len(bounds))


class CappedPaginator(Paginator):
    """Pages through at most `cap` + 1 matches: the province's whole year ahead is "more than 500
    sessions", and counting it exactly would read every row of it for each listing page.

    Given (id, event id) pairs, one scan reads those of the first `cap` + 1 matches in order, which
    gives both the count and each page's ids, so the filters' joins are walked once. An event is
    shown once, at its first match (its card says how many more there are): the pages go through
    those first matches, `count` stays the number of sessions.
    """

    cap = 500

    @cached_property
    def rows(self) -> list[tuple[int, int]]:
        return list(self.object_list[: self.cap + 1])

    @cached_property
    def ids(self) -> list[int]:
        """The first match of each event, in order."""
        seen: set[int] = set()
        ids = []
        for pk, event_id in self.rows[: self.cap]:
            if event_id not in seen:
                seen.add(event_id)
                ids.append(pk)
        return ids

    @cached_property
    def count(self) -> int:
        return len(self.rows)

    @cached_property
    def num_pages(self) -> int:
        return max(1, -(-len(self.ids) // self.per_page))

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def page(self, number):
        number = self.validate_number(number)
        first = (number - 1) * self.per_page
        return self._get_page(self.ids[first : first + self.per_page], number, self)


def parse_month(value: str | None) -> dt.date | None:
    """A `month` parameter (YYYY-MM), None when malformed or outside the dates the filters accept."""
    try:
        month = dt.datetime.strptime(value or "", "%Y-%m").date()
    except ValueError:
        return None
    return month if date_in_range(month) else None


def subscribe_links(request, query: str) -> dict:
    path = f"/feeds/events.ics?{query}" if query else "/feeds/events.ics"
    absolute = request.build_absolute_uri(path)
    return {"webcal": "webcal://" + absolute.split("://", 1)[1], "download": absolute}
