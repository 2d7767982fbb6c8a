"""The feeds as calendar programs read them: three readers, the sessions stored, the same occurrences.

recurring-ical-events (Python calendars), vobject, and libical 3 — the engine of GNOME Calendar and
Evolution, read through Debian's python3-gi in a subprocess (`readers/libical_occurrences.py`; `make test`
installs `gir1.2-ical-3.0` when it is missing). libical reads an RDATE with a TZID as UTC, so extra dates are
written in UTC.
"""

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
import recurring_ical_events
import vobject
from django.urls import reverse

from events.choices import SessionStatus
from events.models import EventDate, Session, SessionChange

from .conftest import publish
from .factories import HANOI, EventPageFactory

pytestmark = pytest.mark.django_db
FEED = reverse("events:feed")
FIRST = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
LAST = dt.datetime(2028, 1, 1, tzinfo=dt.UTC)
LIBICAL_READER = Path(__file__).parent / "readers" / "libical_occurrences.py"
SYSTEM_PYTHON = "/usr/bin/python3"


def occurrence(uid: str, start: dt.date | dt.datetime) -> tuple[str, str | int]:
    """An occurrence as every reader is compared: a day for all-day ones, else seconds since the epoch."""
    if isinstance(start, dt.datetime):
        return uid, int(start.timestamp())
    return uid, start.isoformat()


@pytest.fixture
def calendar_of_every_kind(weekly_class):
    """Weekly with dates off, an extra date, a moved and a cancelled session (weekly_class); all-day
    weekly with a date off and an extra date; monthly by weekday with an extra date; a one-off event."""
    all_day = EventPageFactory(
        title="Triển lãm sách cuối tuần",
        all_day=True,
        start=dt.datetime(2026, 12, 5, 0, 0, tzinfo=HANOI),
        end=dt.datetime(2026, 12, 6, 0, 0, tzinfo=HANOI),
        rrule="FREQ=WEEKLY;COUNT=6",
    )
    all_day.dates.add(EventDate(kind=EventDate.Kind.EXCLUDE, date=dt.date(2026, 12, 12)))
    all_day.dates.add(EventDate(kind=EventDate.Kind.EXTRA, date=dt.date(2026, 12, 24)))
    monthly = EventPageFactory(
        title="CLB đọc sách tháng",
        start=dt.datetime(2026, 12, 6, 19, 30, tzinfo=HANOI),
        end=dt.datetime(2026, 12, 6, 21, 0, tzinfo=HANOI),
        rrule="FREQ=MONTHLY;BYDAY=1SU;COUNT=5",
    )
    monthly.dates.add(EventDate(kind=EventDate.Kind.EXTRA, date=dt.date(2027, 1, 20)))
    monthly.changes.add(
        SessionChange(
            original_date=dt.date(2027, 2, 7), new_start=dt.datetime(2027, 2, 8, 7, 0, tzinfo=HANOI)
        )
    )
    once = EventPageFactory(
        title="Nói chuyện chuyên đề",
        start=dt.datetime(2026, 12, 12, 23, 30, tzinfo=HANOI),  # 16:30 UTC: the day differs in UTC
        end=dt.datetime(2026, 12, 13, 1, 0, tzinfo=HANOI),
    )
    return [weekly_class, publish(all_day), publish(monthly), publish(once)]


def stored(events) -> list[tuple[str, str | int]]:
    sessions = Session.objects.filter(event__in=events).exclude(status=SessionStatus.CANCELLED)
    return sorted(
        occurrence(s.event.uid, s.start.astimezone(HANOI).date() if s.all_day else s.start)
        for s in sessions.select_related("event")
    )


def feed(client) -> bytes:
    response = client.get(FEED, {"from": "2026-11-01", "to": "2027-06-30"})
    assert response.status_code == 200
    return response.content


def read_with_recurring_ical_events(body: bytes) -> list:
    import icalendar

    calendar = icalendar.Calendar.from_ical(body)
    return sorted(
        occurrence(str(c["UID"]), c.start) for c in recurring_ical_events.of(calendar).between(FIRST, LAST)
    )


def read_with_vobject(body: bytes) -> list:
    """vobject expands RRULE, RDATE and EXDATE; overrides are merged as a calendar program does."""
    found, overrides = set(), []
    for event in vobject.readOne(body.decode()).vevent_list:
        uid = event.uid.value
        if hasattr(event, "recurrence_id"):
            overrides.append(event)
            continue
        rules = event.getrruleset(addRDate=True)
        starts = [event.dtstart.value] if rules is None else list(rules)
        for start in starts:
            if isinstance(start, dt.datetime) and start.tzinfo is None:  # an all-day date, as a datetime
                start = start.date()
            found.add(occurrence(uid, start))
    for event in overrides:
        uid = event.uid.value
        found.discard(occurrence(uid, event.recurrence_id.value))
        if getattr(getattr(event, "status", None), "value", "") != "CANCELLED":
            found.add(occurrence(uid, event.dtstart.value))
    return sorted(found)


def read_with_libical(body: bytes) -> list:
    if not Path(SYSTEM_PYTHON).exists():
        pytest.fail("libical is read through Debian's /usr/bin/python3 with python3-gi (README, tests)")
    result = subprocess.run(
        [SYSTEM_PYTHON, str(LIBICAL_READER), str(int(FIRST.timestamp())), str(int(LAST.timestamp()))],
        input=body,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return sorted(tuple(item) for item in json.loads(result.stdout))


@pytest.mark.parametrize("reader", [read_with_recurring_ical_events, read_with_vobject, read_with_libical])
def test_every_reader_finds_exactly_the_stored_sessions(client, calendar_of_every_kind, reader):
    assert reader(feed(client)) == stored(calendar_of_every_kind)


def test_extra_dates_of_timed_events_are_written_in_utc(client, weekly_class):
    body = feed(client).decode()
    assert "RDATE:20261219T010000Z" in body  # 19/12 08:00 in Hà Tĩnh
    assert "RDATE;TZID" not in body
