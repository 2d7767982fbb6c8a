import datetime as dt
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from events.importers import EventImporter
from events.models import EventPage, Session, Topic
from tests.institutions.factories import InstitutionPageFactory

from .factories import HANOI

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent / "corpus"
WINDOW = (dt.datetime(2026, 1, 1, tzinfo=HANOI), dt.datetime(2027, 12, 31, tzinfo=HANOI))


@pytest.fixture
def library(db):
    return InstitutionPageFactory(code="TV-CL", title="Thư viện huyện Can Lộc", address="Thị trấn Nghèn")


def run(data: bytes, **options):
    with translation.override("en"):
        return EventImporter(institution="TV-CL", **options).run(data)


def occurrences(calendar_bytes: bytes) -> list[tuple]:
    calendar = icalendar.Calendar.from_ical(calendar_bytes)
    found = []
    for component in recurring_ical_events.of(calendar).between(*WINDOW):
        if str(component.get("STATUS", "")).upper() == "CANCELLED":
            continue  # a cancelled session is not in anyone's calendar, whichever way it is written
        start, end = component.start, component.end
        if isinstance(start, dt.datetime):
            start, end = start.astimezone(HANOI), end.astimezone(HANOI)
        found.append((str(component["UID"]), start, end))
    return sorted(found, key=str)


@pytest.mark.parametrize("name", sorted(path.name for path in CORPUS.glob("*.ics")))
def test_importing_a_calendar_and_reading_it_back_gives_the_same_occurrences(
    client, library, frozen_now, name
):
    data = (CORPUS / name).read_bytes()
    report = run(data)
    assert report.ok, report.errors
    feed = client.get(
        reverse("events:institution-feed", args=["TV-CL"]), {"from": "2026-01-01", "to": "2027-12-31"}
    )
    assert feed.status_code == 200
    assert occurrences(feed.content) == occurrences(data)


def test_imported_events_are_published_with_sessions_past_ones_included(library, frozen_now):
    report = run((CORPUS / "weekly_until_exdate_moved_cancelled.ics").read_bytes())
    assert report.created == 1
    event = EventPage.objects.get(uid="weekly-1@corpus.test")
    assert event.live
    assert event.get_parent().pk == library.pk
    assert event.kind == "class"
    assert [a.code for a in event.audiences.all()] == ["older_people"]
    assert [t.name for t in event.topics.all()] == ["Kỹ năng số"]
    # 16 sessions from 01/12/2026 to 28/01/2027 without the week off; the cancelled one is kept as cancelled.
    assert Session.objects.filter(event=event).count() == 16
    assert Session.objects.filter(event=event, status="cancelled").count() == 1


def test_unknown_categories_become_new_topics(library, frozen_now):
    data = (
        (CORPUS / "weekly_until_exdate_moved_cancelled.ics")
        .read_bytes()
        .replace(b"K\xe1\xbb\xb9 n\xc4\x83ng s\xe1\xbb\x91", "Cờ vua".encode())
    )
    run(data)
    assert Topic.objects.filter(name="Cờ vua").exists()


def test_categories_match_vietnamese_names(library, frozen_now):
    run((CORPUS / "monthly_count_rdate.ics").read_bytes())
    event = EventPage.objects.get(uid="monthly-1@corpus.test")
    assert event.kind == "club"
    assert [t.slug for t in event.topics.all()] == ["van-hoa-doc"]


def test_reimporting_the_same_file_changes_nothing(library, frozen_now):
    data = (CORPUS / "all_day_and_multi_day.ics").read_bytes()
    assert run(data).created == 3
    sessions = list(Session.objects.values_list("pk", "start"))
    report = run(data)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert list(Session.objects.values_list("pk", "start")) == sessions


def test_reimporting_a_changed_event_updates_it(library, frozen_now):
    data = (CORPUS / "daily_interval_utc.ics").read_bytes()
    run(data)
    report = run(data.replace(b"COUNT=15", b"COUNT=5"))
    assert report.updated == 1
    assert Session.objects.filter(event__uid="daily-utc@corpus.test").count() == 5


def test_draft_import_publishes_nothing(library, frozen_now):
    run((CORPUS / "daily_interval_utc.ics").read_bytes(), draft=True)
    event = EventPage.objects.get(uid="daily-utc@corpus.test")
    assert not event.live
    assert not Session.objects.exists()


def test_a_venue_elsewhere_is_kept(library, frozen_now):
    run((CORPUS / "other_zones_and_text.ics").read_bytes())
    event = EventPage.objects.get(uid="tokyo-1@corpus.test")
    assert event.venue == "address"
    assert event.venue_address == "Hội trường B, Số 5 đường Hà Huy Tập"
    assert event.title == "Nói chuyện trực tuyến với tác giả, nhà văn; và \\ dịch giả"
    assert event.start.astimezone(HANOI).hour == 17


@pytest.mark.parametrize(
    "data, message",
    [
        (b"not a calendar", "iCalendar"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "no events"),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20261201T080000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "SUMMARY",
        ),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:A\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "DTSTART",
        ),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nSUMMARY:A\r\nDTSTART:20261201T080000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "UID",
        ),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:A\r\nDTSTART;TZID=Europe/Paris:20261201T080000\r\n"
            b"RRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "daylight saving",
        ),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:A\r\nDTSTART:20261201T080000\r\nDTEND:20261201T070000\r\n"
            b"END:VEVENT\r\nEND:VCALENDAR\r\n",
            "ends before",
        ),
        (b"\xff\xfe\x00broken", "UTF-8"),
    ],
)
def test_a_broken_file_is_refused_with_a_clear_error_and_nothing_is_written(
    library, frozen_now, data, message
):
    good = (CORPUS / "daily_interval_utc.ics").read_bytes()
    report = run(data)
    assert not report.ok
    assert message in str(report.errors[0])
    assert not EventPage.objects.exists()
    assert run(good).ok  # the good file alone imports


def test_one_bad_event_stops_the_whole_file(library, frozen_now):
    data = (
        (CORPUS / "all_day_and_multi_day.ics")
        .read_bytes()
        .replace("SUMMARY:Thư viện lưu động\n".encode(), b"")
    )
    report = run(data)
    assert not report.ok
    assert report.errors[0].line == 12  # the BEGIN:VEVENT of the event without a title
    assert not EventPage.objects.exists()


def test_an_unknown_institution_is_refused(db):
    report = EventImporter(institution="KHONG-CO").run((CORPUS / "daily_interval_utc.ics").read_bytes())
    assert not report.ok


def test_command_line_import(library, frozen_now):
    call_command("import_data", "events", str(CORPUS / "monthly_count_rdate.ics"), "--institution", "TV-CL")
    assert EventPage.objects.filter(uid="monthly-1@corpus.test", live=True).exists()
    with pytest.raises(CommandError):
        call_command(
            "import_data", "events", str(CORPUS / "monthly_count_rdate.ics"), "--institution", "NOPE"
        )
