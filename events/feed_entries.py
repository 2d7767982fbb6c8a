"""Stored VEVENTs: each event's feed block written when its schedule changes, joined by the feeds.

A feed request used to read every session in its window and write each event with icalendar; at the
province's scale that took seconds. Now every path that changes what a feed says of an event —
publication (`schedule.materialise_sessions`), unpublication, a move to another institution, the
institution's or a topic's new name, the nightly extension — writes the event's `FeedEntry` rows in
the same transaction, with the same writer as before (`ical.event_block`):

- one row (in the feeds' language) with every session of the event (`window_first` empty), and
- for events running across an edge of the feeds' default window (30 days back, a year ahead), one row
  cut to that window, for today's and tomorrow's window (`manage.py extend_sessions`
  writes the next day's each night).

A feed then reads which events overlap its window (`first_start`/`last_start`), takes each one's
stored bytes (the whole block when the event lies inside the window, the cut one when it crosses an
edge of the default window) and joins them; only events crossing the edge of another window are
written on the request, from their sessions in it. The ETag is made of the rows' versions, so a
conditional request is answered before any byte of the body is read.

The rows carry absolute links for the site's own address (Wagtail's Sites): a request on another
address (a test client, a tunnel) is written on the request, as before.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Max, Q, Sum, Value, When
from django.utils import timezone, translation
from wagtail.models import Site

from core.links import PageLink

from .choices import SessionStatus
from .ical import SEQUENCE_EPOCH, FeedEvent, event_block, event_blocks, feed_events
from .models import FeedEntry, Session, SessionQuerySet, local_midnight

# The version of the writer: rows written by another are written again by `migrate` (post_migrate).
WRITER = 1
BATCH = 250


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

    @property
    def begins(self) -> dt.datetime:
        """When the session starts: where it was moved to, or where the rule put it."""
        return self.start or self.original_start


@dataclasses.dataclass(frozen=True, slots=True)
class Window:
    """A feed's days, `first` to `last` inclusive, and the moments they run between."""

    first: dt.date
    last: dt.date

    @property
    def starts(self) -> dt.datetime:
        return local_midnight(self.first)

    @property
    def ends(self) -> dt.datetime:
        return local_midnight(self.last, 1)

    def holds(self, moment: dt.datetime) -> bool:
        return self.starts <= moment < self.ends

    def touching(self, sessions: list[SessionRow]) -> list[SessionRow]:
        """The sessions starting in the days, or scheduled in them before being moved out
        (`SessionQuerySet.touching`): the clipped rule then has no phantom occurrence."""
        return [s for s in sessions if self.holds(s.original_start) or (s.start and self.holds(s.start))]

    def lists_any(self, sessions: list[SessionRow]) -> bool:
        """Whether a listing of these days shows any of the sessions (`SessionQuerySet.between`)."""
        return any(self.holds(s.begins) for s in sessions)


def default_window(day: dt.date | None = None) -> Window:
    """The feeds' days when no `from`/`to` is given: 30 days back to a year ahead of `day` (today)."""
    day = day or timezone.localdate()
    return Window(
        day - dt.timedelta(days=settings.EVENTS_FEED_DAYS_BACK),
        day + dt.timedelta(days=settings.EVENTS_FEED_DAYS_AHEAD),
    )


def stored_windows(today: dt.date | None = None) -> list[Window]:
    """The windows events are stored cut to: today's default window and tomorrow's."""
    today = today or timezone.localdate()
    return [default_window(today), default_window(today + dt.timedelta(days=1))]


def languages() -> list[str]:
    """The languages feeds are served in: their addresses have no language prefix, so the site's own."""
    return [settings.LANGUAGE_CODE]


def span(sessions: list[SessionRow]) -> tuple[dt.datetime, dt.datetime]:
    moments = [s.original_start for s in sessions] + [s.start for s in sessions if s.start]
    return min(moments), max(moments)


# Writing ---------------------------------------------------------------------------------------------


def write_entries(event_ids: Iterable[int], windows: list[Window] | None = None) -> int:
    """Write the stored VEVENTs of the events (every language, whole and cut to `windows`).

    Events without sessions in the schedule (unpublished) keep an empty row that says so. Returns the
    number of rows written.
    """
    event_ids = sorted(set(event_ids))
    windows = stored_windows() if windows is None else windows
    written = 0
    for start in range(0, len(event_ids), BATCH):
        written += write_batch(event_ids[start : start + BATCH], windows)
    return written


@transaction.atomic
def write_batch(event_ids: list[int], windows: list[Window]) -> int:
    sessions = SessionRow.read(
        Session.objects.filter(event_id__in=event_ids, in_schedule=True).order_by("original_start")
    )
    by_event: dict[int, list[SessionRow]] = defaultdict(list)
    for session in sessions:
        by_event[session.event_id].append(session)
    events = {event.pk: event for event in feed_events(by_event, sessions)}
    old = FeedEntry.objects.filter(event_id__in=event_ids, window_first__isnull=True)
    before = {
        (row[0], row[1]): row[2:]
        for row in old.values_list(
            "event_id", "language", "version", "first_start", "last_start", "institution"
        )
    }
    versions = defaultdict(int)
    for (event_id, _language), (version, *_rest) in before.items():
        versions[event_id] = max(versions[event_id], version)
    now = timezone.now()
    rows = []
    for event_id in event_ids:
        # A version grows with every write and is its time in seconds: the feeds' Last-Modified.
        version = max(versions[event_id] + 1, int(now.timestamp()))
        event_sessions = by_event.get(event_id)
        for language in languages():
            if not event_sessions:
                if (event_id, language) in before:  # left the schedule: an empty row, for the ETag
                    _version, first, last, institution = before[event_id, language]
                    rows.append(
                        FeedEntry(
                            event_id=event_id, institution_id=institution, language=language,
                            first_start=first, last_start=last, listed=False, version=version,
                            writer=WRITER, written_at=now, body=b"",
                        )
                    )  # fmt: skip
                continue
            event = events[event_id]
            first, last = span(event_sessions)
            common = {
                "event_id": event_id,
                "institution_id": event_sessions[0].institution_id,
                "language": language,
                "version": version,
                "writer": WRITER,
                "written_at": now,
                "first_start": first,
                "last_start": last,
            }
            with translation.override(language):
                url = canonical_url(event)
                rows.append(FeedEntry(body=event_block(event, event_sessions, url, SEQUENCE_EPOCH), **common))
                for window in windows:
                    if last < window.starts or first >= window.ends:
                        continue  # in no feed of this window
                    if window.starts <= first and last < window.ends:
                        continue  # whole: the row above
                    touching = window.touching(event_sessions)
                    body = event_block(event, touching, url, SEQUENCE_EPOCH) if touching else b""
                    rows.append(
                        FeedEntry(
                            window_first=window.first,
                            window_last=window.last,
                            listed=window.lists_any(event_sessions),
                            body=body,
                            **common,
                        )
                    )
    FeedEntry.objects.filter(event_id__in=event_ids).delete()
    FeedEntry.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def canonical_url(event: FeedEvent) -> str | None:
    """The event's address on the site (Wagtail's Sites), in the active language."""
    return PageLink(event.url_path).get_full_url()


def write_windows(today: dt.date | None = None) -> int:
    """Each night: cut the events crossing tomorrow's default window to it, and forget older windows."""
    windows = stored_windows(today)
    current = Q()
    for window in windows:
        current |= Q(window_first=window.first, window_last=window.last)
    FeedEntry.objects.filter(window_first__isnull=False).exclude(current).delete()
    crossing = set()
    for window in windows:
        have = FeedEntry.objects.filter(window_first=window.first, window_last=window.last)
        crossing |= set(
            FeedEntry.objects.filter(window_first__isnull=True, listed=True)
            .filter(first_start__lt=window.ends, last_start__gte=window.starts)
            .exclude(first_start__gte=window.starts, last_start__lt=window.ends)
            .exclude(event_id__in=have.values("event_id"))
            .values_list("event_id", flat=True)
        )
    return write_entries(crossing, windows) if crossing else 0


def write_missing() -> int:
    """Write the entries of the events in the schedule that have none by this writer (after `migrate`)."""
    current = FeedEntry.objects.filter(window_first__isnull=True, writer=WRITER, listed=True)
    missing = set(
        Session.objects.filter(in_schedule=True)
        .exclude(event_id__in=current.values("event_id"))
        .values_list("event_id", flat=True)
        .distinct()
    )
    return write_entries(missing) if missing else 0


# Reading ---------------------------------------------------------------------------------------------


# What a feed does with each of its rows (the `state` of `StoredFeed.read`).
EMPTY, NOT_LISTED, WRITE_HERE, JOIN = 0, 1, 2, 3


@dataclasses.dataclass
class StoredFeed:
    """The stored rows of a feed's window: the events overlapping it (the whole rows), and for the
    default window the events cut to it; `event_filter` (a query of event ids with a matching session
    in the window) and `institution_id` narrow them."""

    request: object
    window: Window
    event_filter: object = None
    institution_id: int | None = None

    def rows(self):
        window = self.window
        whole = Q(window_first__isnull=True, first_start__lt=window.ends, last_start__gte=window.starts)
        cut = Q(window_first=window.first, window_last=window.last)
        rows = FeedEntry.objects.filter(whole | cut, language=translation.get_language())
        if self.institution_id is not None:
            rows = rows.filter(institution_id=self.institution_id)
        if self.event_filter is not None:
            rows = rows.filter(event_id__in=self.event_filter)
        return rows

    def validators(self) -> tuple[str, dt.datetime | None]:
        """(ETag, Last-Modified) from the rows' versions, in one aggregate query, for a conditional
        request: any write raises the highest version (versions are the writes' times) or their sum,
        and an event that leaves or joins the feed changes the count and the sum of ids."""
        found = self.rows().aggregate(
            count=Count("pk"),
            listed=Count("pk", filter=Q(listed=True)),
            versions=Sum("version"),
            latest=Max("version"),
            events=Sum("event_id"),
        )
        return self.made_of([found[name] for name in ("count", "listed", "versions", "latest", "events")])

    def made_of(self, figures: list) -> tuple[str, dt.datetime | None]:
        request = self.request
        material = "|".join(
            [request.get_host(), str(self.window.first), str(self.window.last), request.GET.urlencode()]
            + [str(int(figure or 0)) for figure in figures]
        )
        etag = f'"{hashlib.sha256(material.encode()).hexdigest()[:32]}"'
        latest = figures[3]
        return etag, (dt.datetime.fromtimestamp(int(latest), dt.UTC) if latest else None)

    def read(self, listed: Callable[[list[SessionRow]], bool]) -> tuple[list, str, dt.datetime | None]:
        """The VEVENT blocks in the order of the events' ids — the stored bytes of the events inside the
        window (or cut to it), and the events crossing its edge written here from their sessions — with
        the same ETag and Last-Modified as `validators()`, from the same rows in one query."""
        window = self.window
        current = Q(writer=WRITER)
        inside = Q(first_start__gte=window.starts, last_start__lt=window.ends)
        state = Case(
            When(listed=False, window_first__isnull=True, then=Value(EMPTY)),
            When(current & Q(listed=False, window_first__isnull=False), then=Value(NOT_LISTED)),
            When(current & (Q(window_first__isnull=False) | inside), then=Value(JOIN)),
            When(window_first__isnull=True, then=Value(WRITE_HERE)),
            default=Value(EMPTY),
            output_field=IntegerField(),
        )
        body = Case(When(current & Q(listed=True) & (Q(window_first__isnull=False) | inside), then=F("body")))
        query = self.rows().annotate(state=state, joined=body).order_by("event_id")
        query = query.values_list("event_id", "state", "version", "listed", "joined").query
        rows = fetch_raw(*query.sql_with_params())
        states: dict[int, int] = {}
        blocks = []
        for event_id, row_state, _version, _listed, joined in rows:
            states[event_id] = max(states.get(event_id, EMPTY), row_state)
            if joined is not None:
                blocks.append((event_id, joined))
        here = [event_id for event_id, row_state in states.items() if row_state == WRITE_HERE]
        if here:
            blocks += self.write_here(here, listed)
            blocks.sort(key=lambda item: item[0])
        figures = [
            len(rows),
            sum(bool(row[3]) for row in rows),
            sum(row[2] for row in rows),
            max((row[2] for row in rows), default=None),
            sum(row[0] for row in rows),
        ]
        return [block for _event, block in blocks], *self.made_of(figures)

    def write_here(self, event_ids: list[int], listed) -> list[tuple[int, bytes]]:
        return written_on_request(self.request, self.window, event_ids, listed)[1]


def written_on_request(
    request, window: Window, event_ids, listed: Callable[[list[SessionRow]], bool] = lambda sessions: True
) -> tuple[list[FeedEvent], list[tuple[int, bytes]]]:
    """The events `listed` keeps of `event_ids`, cut to the window from their sessions in it and written
    on the request with its address: (the events, each one's VEVENT block in the order of their ids)."""
    # Moved sessions count where they were scheduled too, so the clipped rule has no phantom occurrence.
    sessions = SessionRow.read(
        Session.objects.filter(event_id__in=event_ids, in_schedule=True).touching(window.first, window.last)
    )
    by_event: dict[int, list[SessionRow]] = defaultdict(list)
    for session in sessions:
        by_event[session.event_id].append(session)
    wanted = {event_id for event_id, rows in by_event.items() if listed(rows)}
    sessions = [s for s in sessions if s.event_id in wanted]
    events = feed_events(wanted, sessions)
    url_for = lambda event: request.build_absolute_uri(event.get_url(request))  # noqa: E731
    return events, event_blocks(events, sessions, url_for, SEQUENCE_EPOCH)


def fetch_raw(sql: str, params) -> list[tuple]:
    """Thousands of rows of bytes, read as the database gives them (no Django converters). PostgreSQL
    sends them in its binary format: a bytea as text is hex, twice the size and three times as slow to
    read (3 ms against 11 ms for the 1.6 MB of 2,000 events)."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    import psycopg

    connection.ensure_connection()
    started = time.monotonic()
    with psycopg.Cursor(connection.connection) as cursor:  # Django's own cursors bind on the client
        cursor.execute(sql, params, binary=True)
        rows = cursor.fetchall()
    if connection.queries_logged:  # counted as Django counts its own (CaptureQueriesContext, debug)
        connection.queries_log.append(
            {"sql": sql % tuple(params), "time": f"{time.monotonic() - started:.3f}"}
        )
    return rows


def serves_stored(request) -> bool:
    """Whether the stored rows are this request's: it came to the site's own address, in a language
    they are written in."""
    if translation.get_language() not in languages():
        return False
    root = f"{request.scheme}://{request.get_host()}"
    return any(path.root_url == root for path in Site.get_site_root_paths())
