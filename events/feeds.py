"""The iCalendar feeds: the listing's filtered sessions, one institution's, one event's (SPEC §6)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

from django.conf import settings
from django.db.models import Case, Q, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.public_cache import cache_publicly
from institutions.models import InstitutionPage

from .choices import SessionStatus
from .filters import SessionFilter
from .ical import build_calendar, calendar_bytes, feed_events
from .models import EventPage, Session, SessionQuerySet


@dataclasses.dataclass(eq=False, slots=True)
class SessionRow:
    """What a feed reads of a session: a plain row, several times cheaper to load than a model.

    `start` and `end` are read for moved sessions only (None otherwise): the others are where the
    rule puts them, at `original_start`, and a feed reads thousands of rows whose times are most of
    what it costs to load them.
    """

    pk: int
    event_id: int
    institution_id: int
    original_start: dt.datetime
    start: dt.datetime | None
    end: dt.datetime | None
    all_day: bool
    is_extra: bool
    status: str
    note: str

    @classmethod
    def read(cls, sessions: SessionQuerySet) -> list[SessionRow]:
        moved = Q(status=SessionStatus.MOVED)
        rows = sessions.annotate(
            moved_start=Case(When(moved, then="start")), moved_end=Case(When(moved, then="end"))
        ).values_list(
            "pk", "event_id", "institution_id", "original_start", "moved_start", "moved_end", "all_day",
            "is_extra", "status", "note",
        )  # fmt: skip
        return [cls(*row) for row in rows]


def feed_window(filterset: SessionFilter) -> tuple[dt.date, dt.date]:
    """The feed's days: `from`/`to` when given, else 30 days back to 12 months ahead."""
    today = timezone.localdate()
    cleaned = filterset.form.cleaned_data
    first = cleaned.get("from") or today - dt.timedelta(days=settings.EVENTS_FEED_DAYS_BACK)
    last = cleaned.get("to") or today + dt.timedelta(days=settings.EVENTS_FEED_DAYS_AHEAD)
    return first, last


def ical_response(request, name: str, sessions_queryset) -> HttpResponse:
    """A filtered feed: the events with a matching session in the window, limited to the window."""
    filterset = SessionFilter(request.GET, queryset=sessions_queryset)
    if not filterset.is_valid():
        errors = "\n".join(f"{field}: {' '.join(messages)}" for field, messages in filterset.errors.items())
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    first, last = feed_window(filterset)
    if last < first:
        return HttpResponse(_("“to” is before “from”."), status=400, content_type="text/plain; charset=utf-8")
    if (last - first).days + 1 > settings.EVENTS_FEED_MAX_DAYS:
        message = _("to: A feed covers at most %(days)d days; choose “from” and “to” closer together.")
        return HttpResponse(
            message % {"days": settings.EVENTS_FEED_MAX_DAYS},
            status=400,
            content_type="text/plain; charset=utf-8",
        )

    matching = filterset.qs.between(first, last)
    event_ids = set(matching.order_by().values_list("event_id", flat=True).distinct())
    # Moved sessions count where they were scheduled too, so the clipped rule has no phantom occurrence.
    sessions = SessionRow.read(
        Session.objects.filter(event_id__in=event_ids, in_schedule=True).touching(first, last)
    )
    events = feed_events(event_ids, sessions)

    stamp = max((event.last_published_at for event in events if event.last_published_at), default=None)
    stamp = stamp or dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    body = calendar_bytes(
        name, events, sessions, lambda event: request.build_absolute_uri(event.get_url(request)), stamp
    )
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    conditional = get_conditional_response(request, etag=etag, last_modified=stamp.timestamp())
    if conditional is not None:
        return conditional
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(stamp.timestamp())
    response["Content-Disposition"] = 'inline; filename="lich.ics"'
    patch_cache_control(response, public=True, max_age=300)
    return cache_publicly(response, settings.FEED_CACHE_SECONDS)


@require_GET
def events_feed(request):
    return ical_response(request, _("Hà Tĩnh lifelong learning"), Session.objects.for_listing())


@require_GET
def institution_feed(request, code: str):
    institution = get_object_or_404(InstitutionPage.objects.live(), code=code)
    return ical_response(
        request, institution.title, Session.objects.for_listing().filter(institution=institution)
    )


@require_GET
def event_feed(request, pk: int):
    """`/feeds/events/<id>.ics`: every stored session of one event, for "add to calendar"."""
    page = get_object_or_404(EventPage.objects.live(), pk=pk)
    sessions = list(Session.objects.filter(event=page, in_schedule=True))
    events = feed_events([page.pk], sessions)
    stamp = page.last_published_at or timezone.now()
    calendar = build_calendar(
        page.title, events, sessions, lambda e: request.build_absolute_uri(e.get_url(request)), stamp
    )
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{page.slug}.ics"'
    return response
