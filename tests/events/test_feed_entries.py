"""Stored VEVENTs (events.feed_entries): written with the schedule, in its transaction, and joined by
the feeds into the very bytes the icalendar writer gives for the same events."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Site

from core.public_cache import content_changed
from events import feeds
from events.feed_entries import WRITER, default_window, write_missing
from events.models import EventDate, EventPage, FeedEntry, Session, SessionChange, Topic
from events.tasks import rewrite_feed_entries
from tests.institutions.factories import InstitutionPageFactory

from .conftest import publish
from .factories import HANOI, EventPageFactory

pytestmark = pytest.mark.django_db
FEED = reverse("events:feed")
WINDOWS = [
    {},  # the default window: stored whole or cut to it
    {"from": "2026-12-14", "to": "2026-12-24"},  # cuts the weekly class: written on the request
    {"from": "2026-01-01", "to": "2027-12-31"},  # holds everything whole
    {"from": "2026-12-20", "to": "2027-01-10", "kind": "class"},  # filtered
    {"kind": "exhibition"},
]


@pytest.fixture
def programme(weekly_class, frozen_now):
    """The weekly class (dates off, an extra date, a moved and a cancelled session), an all-day weekly
    event, an exhibition that began two months ago and runs on, and a one-off talk a year ahead."""
    publish(
        EventPageFactory(
            title="Ngày hội đọc sách",
            all_day=True,
            start=dt.datetime(2026, 12, 20, 0, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 12, 21, 0, 0, tzinfo=HANOI),
            rrule="FREQ=WEEKLY;COUNT=3",
        )
    )
    publish(
        EventPageFactory(
            title="Triển lãm ảnh Hà Tĩnh xưa",
            kind="exhibition",
            start=dt.datetime(2026, 9, 20, 8, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 9, 20, 17, 0, tzinfo=HANOI),
            rrule="FREQ=WEEKLY;BYDAY=SU;COUNT=30",
        )
    )
    publish(
        EventPageFactory(
            title="Nói chuyện chuyên đề",
            start=dt.datetime(2027, 11, 20, 19, 0, tzinfo=HANOI),
            end=dt.datetime(2027, 11, 20, 21, 0, tzinfo=HANOI),
        )
    )
    return weekly_class


def written_on_the_request(client, url, params=None, **headers):
    """The same feed from the icalendar writer, as a request on another address gets it."""
    content_changed()
    original = feeds.serves_stored
    feeds.serves_stored = lambda request: False
    try:
        return client.get(url, params or {}, **headers)
    finally:
        feeds.serves_stored = original
        content_changed()


def both(client, url, params=None, **headers):
    content_changed()
    stored = client.get(url, params or {}, **headers)
    written = written_on_the_request(client, url, params, **headers)
    assert stored.status_code == written.status_code == 200, stored.content
    return stored.content, written.content


def body(event: EventPage, language: str = "vi") -> str:
    """The event's stored VEVENTs, with the folded lines joined again."""
    stored = FeedEntry.objects.get(event=event, language=language, window_first=None).body
    return bytes(stored).replace(b"\r\n ", b"").decode()


def unfolded(content: bytes) -> str:
    return content.replace(b"\r\n ", b"").decode()


def test_the_site_address_is_served_from_the_stored_rows_without_reading_sessions(client, programme):
    assert FeedEntry.objects.filter(window_first=None).count() == 4
    window = default_window()
    cut = FeedEntry.objects.filter(window_first=window.first, window_last=window.last)
    assert set(cut.values_list("event__title", flat=True)) == {"Triển lãm ảnh Hà Tĩnh xưa"}  # crosses 26/10
    with CaptureQueriesContext(connection) as queries:
        response = client.get(FEED)
    assert response.status_code == 200
    assert len(queries) <= 6
    assert not [q for q in queries if "events_session" in q["sql"]]
    assert response.content.count(b"BEGIN:VEVENT") == 5  # four events and the moved session


@pytest.mark.parametrize("params", WINDOWS)
def test_stored_and_written_feeds_are_the_same_bytes(client, programme, params):
    stored, written = both(client, FEED, params)
    assert stored == written


@pytest.mark.parametrize("params", WINDOWS[:3])
def test_for_one_institution_too(client, programme, params):
    code = programme.get_parent().specific.code
    stored, written = both(client, reverse("events:institution-feed", args=[code]), params)
    assert stored == written


def test_a_publication_writes_the_rows_in_its_transaction(client, programme):
    before = body(programme)
    with pytest.raises(RuntimeError), transaction.atomic():
        programme.title = "Lớp tin học nâng cao"
        publish(programme)
        assert "Lớp tin học nâng cao" in body(programme)  # written already, before the commit
        raise RuntimeError
    assert body(programme) == before
    programme = EventPage.objects.get(pk=programme.pk)
    programme.title = "Lớp tin học nâng cao"
    publish(programme)
    assert "Lớp tin học nâng cao" in unfolded(client.get(FEED).content)


def test_a_draft_changes_nothing(client, programme):
    version = FeedEntry.objects.get(event=programme, language="vi", window_first=None).version
    programme.title = "Bản nháp"
    programme.save_revision()
    entry = FeedEntry.objects.get(event=programme, language="vi", window_first=None)
    assert entry.version == version and "Bản nháp" not in body(programme)
    assert "Bản nháp" not in unfolded(client.get(FEED).content)


def test_unpublished_it_leaves_every_feed_and_changes_the_etag(client, programme):
    first = client.get(FEED)
    programme.unpublish()
    entry = FeedEntry.objects.get(event=programme, language="vi", window_first=None)
    assert not entry.listed and body(programme) == ""
    again = client.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200
    assert programme.uid not in unfolded(again.content)
    stored, written = both(client, FEED)
    assert stored == written


def test_deleted_it_leaves_no_row(client, programme):
    programme.delete()
    assert not FeedEntry.objects.filter(event_id=programme.pk).exists()


def test_schedule_changes_are_in_the_stored_rows(client, programme):
    event = EventPage.objects.get(pk=programme.pk)
    event.dates.add(EventDate(kind=EventDate.Kind.EXCLUDE, date=dt.date(2026, 12, 22)))  # a date off
    event.dates.add(EventDate(kind=EventDate.Kind.EXTRA, date=dt.date(2026, 12, 26)))  # an extra date
    event.changes.add(SessionChange(original_date=dt.date(2026, 12, 17), cancelled=True))
    event.changes.add(
        SessionChange(
            original_date=dt.date(2026, 12, 3), new_start=dt.datetime(2026, 12, 4, 15, 0, tzinfo=HANOI)
        )
    )
    publish(event)
    stored = body(programme)
    assert "20261222T080000" in stored  # EXDATE of the date off
    assert "20261217T080000" in stored  # EXDATE of the cancelled session
    assert "RDATE:20261219T010000Z,20261226T010000Z" in stored  # extra dates in UTC
    assert "RECURRENCE-ID;TZID=Asia/Ho_Chi_Minh:20261203T080000" in stored
    for params in WINDOWS:
        assert (result := both(client, FEED, params))[0] == result[1]


def test_a_move_to_another_institution_rewrites_place_and_feeds(admin_client, client, programme):
    museum = InstitutionPageFactory(code="BT-TINH", title="Bảo tàng tỉnh Hà Tĩnh", kind="museum")
    museum.save_revision().publish()
    old = programme.get_parent().specific
    response = admin_client.post(reverse("wagtailadmin_pages:move_confirm", args=[programme.pk, museum.pk]))
    assert response.status_code == 302
    assert "LOCATION:Bảo tàng tỉnh Hà Tĩnh" in body(programme)
    assert (
        FeedEntry.objects.get(event=programme, language="vi", window_first=None).institution_id == museum.pk
    )
    museum_feed = unfolded(client.get(reverse("events:institution-feed", args=["BT-TINH"])).content)
    assert programme.uid in museum_feed
    assert programme.uid not in unfolded(
        client.get(reverse("events:institution-feed", args=[old.code])).content
    )
    stored, written = both(client, reverse("events:institution-feed", args=["BT-TINH"]))
    assert stored == written


def test_the_institution_renamed_is_in_its_events_rows(client, programme):
    institution = programme.get_parent().specific
    institution.title = "Thư viện tỉnh (cơ sở mới)"
    institution.save_revision().publish()
    assert "LOCATION:Thư viện tỉnh (cơ sở mới)" in body(programme)
    stored, written = both(client, FEED)
    assert stored == written


def test_a_topic_renamed_is_in_its_events_rows(client, programme):
    topic = Topic.objects.create(name="Tin học", slug="tin-hoc")
    event = EventPage.objects.get(pk=programme.pk)
    event.topics.add(topic)
    publish(event)
    topic.name = "Tin học cho mọi người"
    topic.save()
    assert "Tin học cho mọi người" in body(programme)


def test_the_nightly_extension_writes_the_new_sessions_and_tomorrows_window(client, frozen_now):
    event = publish(
        EventPageFactory(
            start=dt.datetime(2026, 6, 2, 8, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 6, 2, 10, 0, tzinfo=HANOI),
            rrule="FREQ=WEEKLY;BYDAY=TU",  # open-ended: stored up to the horizon
        )
    )
    last = Session.objects.filter(event=event).latest("original_start").original_start
    with time_machine.travel(dt.datetime(2026, 12, 25, 0, 30, tzinfo=HANOI), tick=False):
        call_command("extend_sessions", stdout=StringIO())
        later = Session.objects.filter(event=event).latest("original_start").original_start
        assert later > last
        entry = FeedEntry.objects.get(event=event, language="vi", window_first=None)
        assert entry.last_start == later
        windows = set(FeedEntry.objects.exclude(window_first=None).values_list("window_first", flat=True))
        assert windows == {dt.date(2026, 11, 25), dt.date(2026, 11, 26)}  # today's and tomorrow's only
        stored, written = both(client, FEED)
        assert stored == written


def test_a_conditional_request_is_answered_from_the_versions_alone(client, programme):
    first = client.get(FEED)
    content_changed()
    with CaptureQueriesContext(connection) as queries:
        again = client.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert not [q for q in queries if "body" in q["sql"] or "events_session" in q["sql"]]
    assert client.get(FEED, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, tzinfo=HANOI), tick=False):
        publish(programme)
        assert client.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_migrate_writes_the_rows_of_events_that_have_none(client, programme):
    expected = client.get(FEED).content
    FeedEntry.objects.all().delete()
    FeedEntry.objects.create(
        event=programme, institution_id=programme.get_parent().pk, language="vi", writer=WRITER - 1,
        written_at=programme.last_published_at, first_start=None, last_start=None, body=b"old",
    )  # fmt: skip
    assert write_missing() > 0
    assert FeedEntry.objects.filter(window_first=None).count() == 4
    assert not FeedEntry.objects.filter(writer=WRITER - 1).exists()
    content_changed()
    assert client.get(FEED).content == expected


def test_a_new_site_address_has_the_rows_written_again(client, programme):
    site = Site.objects.get(is_default_site=True)
    site.hostname = "hoctap.hatinh.gov.vn"
    site.save()
    rewrite_feed_entries.call()
    assert "URL:http://hoctap.hatinh.gov.vn/" in body(programme)
    assert "http://testserver/" not in body(programme)


LONG_WINDOWS = [{"from": "2025-01-01", "to": "2026-06-30"}, {"from": "2024-12-01", "to": "2028-12-31"}]


def test_the_demo_gives_the_same_bytes_from_both_writers(client, frozen_now):
    call_command("load_demo", stdout=StringIO())
    for params in [*WINDOWS, *LONG_WINDOWS]:
        stored, written = both(client, FEED, params)
        assert stored == written, params


def test_the_scale_data_gives_the_same_bytes_from_both_writers(client, frozen_now):
    """Weekly events with cancelled and moved sessions and extra dates, across every edge."""
    call_command("generate_scale_data", institutions=12, events=80, years=2, stdout=StringIO())
    assert Session.objects.filter(status="moved").exists() and Session.objects.filter(is_extra=True).exists()
    for params in [*WINDOWS, *LONG_WINDOWS]:
        stored, written = both(client, FEED, params)
        assert stored.count(b"BEGIN:VEVENT") > 0, params
        assert stored == written, params
