"""iCalendar output (RFC 5545), built in one place for every feed and the event download.

One VEVENT per event, with its rule, clipped to the feed's window so that a calendar program shows
exactly the sessions the listing shows: DTSTART is the first occurrence of the rule in the window and
UNTIL its last (the rule itself generated both, so the series is unchanged), cancelled sessions and
dates off are EXDATEs, extra dates RDATEs, and moved sessions overrides with RECURRENCE-ID.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.cache import caches
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import normalize_newlines
from django.utils.translation import get_language
from icalendar import Calendar, Event, Timezone, vRecur

from core.links import PageLink
from core.text import choice_label
from institutions.models import InstitutionPage

from .choices import EventKind, SessionStatus, Venue
from .models import EventDate, EventPage, Session, venue_text
from .recurrence import parse_rule

PRODID = "-//Hà Tĩnh lifelong learning portal//hoctap.hatinh.gov.vn//VI"
# SEQUENCE is the time of the last publication, in seconds since this moment: it only grows.
SEQUENCE_EPOCH = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
COMPONENT_CACHE_SECONDS = 24 * 60 * 60
# Each event's VEVENTs are kept in a cache of their own, so that a feed of thousands of events never
# pushes pages or the content version out of theirs.
FEED_PARTS = "feed_parts"


def plain_text(html: str) -> str:
    """Rich text as plain text: paragraphs become blank lines, tags go, entities are decoded."""
    import html as html_lib

    text = html.replace("</p>", "\n\n").replace("<br/>", "\n").replace("<br>", "\n")
    return normalize_newlines(html_lib.unescape(strip_tags(text))).strip()


def ical_moment(moment: dt.datetime, all_day: bool) -> dt.date | dt.datetime:
    local = timezone.localtime(moment)
    return local.date() if all_day else local


@dataclasses.dataclass(frozen=True, slots=True)
class FeedPlace:
    """What a VEVENT says of the event's institution (LOCATION and GEO)."""

    pk: int
    title: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None


@dataclasses.dataclass(eq=False, slots=True)
class FeedEvent:
    """Everything a VEVENT is made of, read as plain values: a feed holds hundreds of events, and
    building their page models (and their institutions') would cost more than writing them.

    It holds exactly what the output depends on, so it is also exactly what the cache key hashes.
    """

    FIELDS = (
        "pk", "uid", "title", "url_path", "kind", "description", "price", "is_free", "registration",
        "venue", "venue_address", "online_url", "start", "end", "all_day", "rrule",
        "last_published_at", "latest_revision_created_at",
    )  # fmt: skip
    pk: int
    uid: str
    title: str
    url_path: str
    kind: str
    description: str
    price: str
    is_free: bool
    registration: str
    venue: str
    venue_address: str
    online_url: str
    start: dt.datetime
    end: dt.datetime
    all_day: bool
    rrule: str
    last_published_at: dt.datetime | None
    latest_revision_created_at: dt.datetime | None
    topic_names: list[str] = dataclasses.field(default_factory=list)
    dates: list[tuple[str, dt.date]] = dataclasses.field(default_factory=list)
    place: FeedPlace | None = None

    @property
    def kind_label(self) -> str:
        return choice_label(EventKind, self.kind)

    def location_text(self) -> str:
        return venue_text(self.venue, self.venue_address, self.online_url, self.place)

    def get_url(self, request=None) -> str | None:
        return PageLink(self.url_path).get_url(request)

    def key_material(self) -> tuple:
        """Every value of the event, for its cache key (a shallow `dataclasses.astuple`)."""
        return tuple(getattr(self, name) for name in FEED_EVENT_ATTRIBUTES)


FEED_EVENT_ATTRIBUTES = tuple(field.name for field in dataclasses.fields(FeedEvent))


def feed_events(event_ids: Iterable[int], sessions: Iterable[Session]) -> list[FeedEvent]:
    """The events, with their topics, dates off and extra, and institution, in four queries."""
    events = {
        row[0]: FeedEvent(*row)
        for row in EventPage.objects.filter(pk__in=event_ids).order_by("pk").values_list(*FeedEvent.FIELDS)
    }
    topics = EventPage.topics.through.objects.filter(eventpage_id__in=events).order_by("topic__name", "pk")
    for event_id, name in topics.values_list("eventpage_id", "topic__name"):
        events[event_id].topic_names.append(name)
    dates = EventDate.objects.filter(page_id__in=events).order_by("page_id", "sort_order", "pk")
    for event_id, kind, date in dates.values_list("page_id", "kind", "date"):
        events[event_id].dates.append((kind, date))
    place_of_event = {session.event_id: session.institution_id for session in sessions}
    places = {
        row[0]: FeedPlace(*row)
        for row in InstitutionPage.objects.filter(pk__in=set(place_of_event.values())).values_list(
            "pk", "title", "address", "latitude", "longitude"
        )
    }
    for event in events.values():
        event.place = places.get(place_of_event.get(event.pk))
    return list(events.values())


def build_calendar(
    name: str,
    events: Iterable[FeedEvent],
    sessions: Iterable[Session],
    url_for,
    stamp: dt.datetime,
) -> Calendar:
    """A calendar of `events`, each limited to its given `sessions` (all of them when unfiltered).

    `url_for(event)` gives an event's absolute URL; `stamp` is DTSTAMP, fixed so output is stable.
    """
    calendar = new_calendar(name)
    for event, event_sessions in with_sessions(events, sessions):
        for component in event_components(event, event_sessions, url_for(event), stamp):
            calendar.add_component(component)
    calendar.add_missing_timezones()
    return calendar


def new_calendar(name: str) -> Calendar:
    calendar = Calendar.new(name=name, prodid=PRODID, uid=None)
    calendar.add("X-WR-TIMEZONE", timezone.get_default_timezone_name())
    if "UID" in calendar:
        del calendar["UID"]
    return calendar


def with_sessions(events: Iterable[FeedEvent], sessions: Iterable[Session]):
    """Each event that has any of `sessions`, with them in the order the rule gives them."""
    by_event: dict[int, list[Session]] = defaultdict(list)
    for session in sessions:
        by_event[session.event_id].append(session)
    for event in events:
        if event_sessions := by_event.get(event.pk):
            yield event, sorted(event_sessions, key=lambda s: s.original_start)


def calendar_of(name: str, blocks: list[bytes]) -> bytes:
    """A calendar of VEVENT blocks as `to_ical()` writes them, with the zone they use."""
    head, end = new_calendar(name).to_ical().rsplit(b"END:VCALENDAR", 1)
    zone = [vtimezone(timezone.get_default_timezone_name())] if blocks else []
    return b"".join([head, *zone, *blocks, b"END:VCALENDAR", end])


def event_block(event: FeedEvent, sessions: list, url: str, stamp: dt.datetime) -> bytes:
    """An event's VEVENTs, limited to `sessions` (in the rule's order), as `to_ical()` writes them."""
    return b"".join(component.to_ical() for component in event_components(event, sessions, url, stamp))


def event_blocks(
    events: Iterable[FeedEvent], sessions: Iterable[Session], url_for, stamp: dt.datetime
) -> list[tuple[int, bytes]]:
    """Each event that has any of `sessions`, with its VEVENTs, kept in the `feed_parts` cache.

    An event's VEVENTs depend only on the event (with its topics, dates and institution), its sessions
    in the window, its address and the language; their key is made of exactly those, so a publication
    re-renders only what it changed.
    """
    keyed = []
    for event, event_sessions in with_sessions(events, sessions):
        url = url_for(event)
        keyed.append((component_key(event, event_sessions, url), event, event_sessions, url))
    parts_cache = caches[FEED_PARTS]
    found = parts_cache.get_many([key for key, *_rest in keyed])
    missing = {}
    blocks = []
    for key, event, event_sessions, url in keyed:
        if key not in found:
            found[key] = missing[key] = event_block(event, event_sessions, url, stamp)
        blocks.append((event.pk, found[key]))
    if missing:
        # One request keeps at most this many new pieces: a whole calendar cannot fill the cache alone
        # and push out what other feeds keep there.
        kept = dict(list(missing.items())[: settings.FEED_PARTS_STORED_PER_REQUEST])
        parts_cache.set_many(kept, timeout=COMPONENT_CACHE_SECONDS)
    return blocks


@functools.cache
def vtimezone(name: str) -> bytes:
    """The VTIMEZONE of a zone, as written: the same for every feed, and slow to work out."""
    return Timezone.from_tzid(name).to_ical()


def component_key(event: FeedEvent, sessions: list[Session], url: str) -> str:
    material = repr(
        (
            event.key_material(),
            url,
            get_language(),
            [
                (s.pk, s.original_start, s.start, s.end, s.status, s.is_extra, s.all_day, s.note)
                for s in sessions
            ],
        )
    )
    return "ical:" + hashlib.sha256(material.encode()).hexdigest()


def event_components(event: FeedEvent, sessions: list[Session], url: str, stamp: dt.datetime) -> list[Event]:
    all_day = event.all_day
    duration = event.end - event.start
    if all_day:
        duration = dt.timedelta(
            days=(timezone.localtime(event.end).date() - timezone.localtime(event.start).date()).days + 1
        )
    rule_sessions = [s for s in sessions if not s.is_extra] if event.rrule else []
    anchor = (rule_sessions or sessions)[0]
    first = anchor.original_start

    main = base_event(event, url, stamp)
    main.add("DTSTART", ical_moment(first, all_day))
    main.add("DTEND", ical_moment(first + duration, all_day))

    if rule_sessions:
        rule = parse_rule(event.rrule)
        rule.pop("COUNT", None)
        last = rule_sessions[-1].original_start
        rule["UNTIL"] = (
            last.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
            if not all_day
            else (timezone.localtime(last).strftime("%Y%m%d"))
        )
        main.add("RRULE", vRecur.from_ical(";".join(f"{k}={v}" for k, v in rule.items())))
        last_rule_start = last
    else:
        last_rule_start = first

    extras = [s for s in sessions if s is not anchor and s not in rule_sessions]
    if extras:
        # Extra dates of timed events in UTC (`RDATE:20261219T010000Z`): libical (GNOME Calendar,
        # Evolution) reads an RDATE with a TZID as if it were UTC, 7 hours late; every reader gets UTC right.
        main.add(
            "RDATE",
            [
                ical_moment(s.original_start, True) if all_day else s.original_start.astimezone(dt.UTC)
                for s in extras
            ],
        )

    first_local = timezone.localtime(first)
    exdates = [s.original_start for s in sessions if s.status == SessionStatus.CANCELLED]
    for kind, date in event.dates:
        if kind == EventDate.Kind.EXCLUDE:
            moment = dt.datetime.combine(date, first_local.timetz())
            if first <= moment <= last_rule_start:
                exdates.append(moment)
    only_one = len(sessions) == 1 and not rule_sessions[1:]
    if only_one and sessions[0].status == SessionStatus.CANCELLED:
        main.add("STATUS", "CANCELLED")
    elif exdates:
        main.add("EXDATE", [ical_moment(moment, all_day) for moment in sorted(exdates)])

    components = [main]
    for session in sessions:
        if session.status != SessionStatus.MOVED:
            continue
        override = base_event(event, url, stamp)
        override.add("RECURRENCE-ID", ical_moment(session.original_start, all_day))
        override.add("DTSTART", ical_moment(session.start, all_day))
        override.add("DTEND", ical_moment(session.end, all_day))
        if session.note:
            override["DESCRIPTION"] = f"{session.note}\n\n{override.get('DESCRIPTION', '')}".strip()
        components.append(override)
    return components


def base_event(event: FeedEvent, url: str, stamp: dt.datetime) -> Event:
    published = event.last_published_at or event.latest_revision_created_at or stamp
    component = Event()
    component.add("UID", event.uid)
    # When this event's information was last revised (RFC 5545, 3.8.7.2), in UTC as it must be.
    component.add("DTSTAMP", published.astimezone(dt.UTC))
    component.add("SEQUENCE", max(0, int((published - SEQUENCE_EPOCH).total_seconds())))
    component.add("LAST-MODIFIED", published.astimezone(dt.UTC))
    component.add("SUMMARY", event.title)
    component.add("URL", url)
    description = plain_text(event.description)
    extra = [text for text in [event.price if not event.is_free else "", event.registration] if text]
    component.add("DESCRIPTION", "\n\n".join([part for part in [description, *extra, url] if part]))
    place = event.place
    component.add("LOCATION", event.location_text())
    if event.venue == Venue.INSTITUTION and place and place.latitude is not None:
        component.add("GEO", (float(place.latitude), float(place.longitude)))
    categories = [str(event.kind_label), *event.topic_names]
    component.add("CATEGORIES", categories)
    return component
