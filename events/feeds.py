"""The iCalendar feeds: the listing's filtered sessions, one institution's, one event's (SPEC §6)."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.public_cache import cache_publicly
from institutions.models import InstitutionPage

from .feed_entries import StoredFeed, Window, default_window, serves_stored, written_on_request
from .filters import SessionFilter
from .ical import SEQUENCE_EPOCH, build_calendar, calendar_of, feed_events
from .models import EventPage, Session


def feed_window(filterset: SessionFilter) -> tuple[dt.date, dt.date]:
    """The feed's days: `from`/`to` when given, else 30 days back to 12 months ahead."""
    default = default_window()
    cleaned = filterset.form.cleaned_data
    return cleaned.get("from") or default.first, cleaned.get("to") or default.last


def ical_response(request, name: str, sessions_queryset, institution_id: int | None = None) -> HttpResponse:
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

    window = Window(first, last)
    if serves_stored(request):
        body, etag, stamp = stored_body(request, name, window, filterset, institution_id)
        if body is None:
            return get_conditional_response(request, etag=etag, last_modified=stamp.timestamp())
    else:
        body, stamp = written_body(request, name, window, filterset.qs.between(first, last))
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


def stored_body(request, name, window: Window, filterset: SessionFilter, institution_id):
    """The feed joined from the stored VEVENTs (`events.feed_entries`): (body, or None when the client
    has it already; ETag; Last-Modified)."""
    narrowed = any(any(request.GET.getlist(name)) for name in filterset.filters if name not in ("from", "to"))
    event_filter = (
        filterset.qs.between(window.first, window.last).order_by().values("event_id") if narrowed else None
    )
    feed = StoredFeed(request, window, event_filter, institution_id)
    if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
        etag, stamp = feed.validators()
        stamp = stamp or SEQUENCE_EPOCH
        if get_conditional_response(request, etag=etag, last_modified=stamp.timestamp()) is not None:
            return None, etag, stamp
    blocks, etag, stamp = feed.read((lambda sessions: True) if narrowed else window.lists_any)
    return calendar_of(name, blocks), etag, stamp or SEQUENCE_EPOCH


def written_body(request, name, window: Window, matching) -> tuple[bytes, dt.datetime]:
    """The feed written on the request from the sessions in its window, for a request on another address
    than the site's: (body, the latest publication of its events)."""
    event_ids = set(matching.order_by().values_list("event_id", flat=True).distinct())
    events, blocks = written_on_request(request, window, event_ids)
    published = [event.last_published_at for event in events if event.last_published_at]
    return calendar_of(name, [block for _event, block in blocks]), max(published, default=SEQUENCE_EPOCH)


@require_GET
def events_feed(request):
    return ical_response(request, _("Hà Tĩnh lifelong learning"), Session.objects.for_listing())


@require_GET
def institution_feed(request, code: str):
    institution = get_object_or_404(InstitutionPage.objects.live().only("pk", "title"), code=code)
    return ical_response(
        request,
        institution.title,
        Session.objects.for_listing().filter(institution=institution),
        institution_id=institution.pk,
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
