import datetime as dt

import icalendar
import pytest
import recurring_ical_events
import time_machine
from django.urls import reverse

from events.choices import SessionStatus
from events.models import Audience, Session

from .conftest import publish
from .factories import HANOI, EventPageFactory

pytestmark = pytest.mark.django_db
FEED = reverse("events:feed")


def read(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def expanded(
    calendar, first=dt.datetime(2020, 1, 1, tzinfo=HANOI), last=dt.datetime(2030, 1, 1, tzinfo=HANOI)
):
    """What a calendar program shows: (uid, start, end) of every occurrence."""
    return sorted(
        (str(component["UID"]), component.start.astimezone(HANOI), component.end.astimezone(HANOI))
        for component in recurring_ical_events.of(calendar).between(first, last)
    )


def listed(*sessions):
    return sorted(
        (s.event.uid, s.start.astimezone(HANOI), s.end.astimezone(HANOI))
        for s in sessions
        if s.status != SessionStatus.CANCELLED
    )


def test_feed_expands_to_exactly_the_stored_sessions(client, weekly_class):
    calendar = read(client.get(FEED))
    assert expanded(calendar) == listed(*Session.objects.filter(event=weekly_class))


def test_feed_has_one_vevent_with_rule_exdates_rdate_and_an_override(client, weekly_class):
    calendar = read(client.get(FEED))
    events = calendar.walk("VEVENT")
    main = [e for e in events if "RECURRENCE-ID" not in e]
    overrides = [e for e in events if "RECURRENCE-ID" in e]
    assert len(main) == 1 and len(overrides) == 1
    assert main[0]["RRULE"]["FREQ"] == ["WEEKLY"]
    exdates = {d.dt.date() for exdate in [main[0]["EXDATE"]] for d in exdate.dts}
    assert exdates == {dt.date(2026, 12, 8), dt.date(2026, 12, 10), dt.date(2026, 12, 29)}
    assert [d.dt.date() for d in main[0]["RDATE"].dts] == [dt.date(2026, 12, 19)]
    assert overrides[0]["RECURRENCE-ID"].dt == dt.datetime(2026, 12, 15, 8, 0, tzinfo=HANOI)
    assert str(main[0]["UID"]) == weekly_class.uid
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Ho_Chi_Minh"
    assert main[0]["DTSTART"].params["TZID"] == "Asia/Ho_Chi_Minh"
    for name in ("SEQUENCE", "LAST-MODIFIED", "CATEGORIES", "URL", "LOCATION", "DESCRIPTION", "DTSTAMP"):
        assert name in main[0], name
    assert "X-WR-CALNAME" in calendar


def test_a_window_limits_the_feed_to_the_sessions_on_the_listing(client, weekly_class):
    params = {"from": "2026-12-14", "to": "2026-12-24"}
    calendar = read(client.get(FEED, params))
    in_window = Session.objects.filter(event=weekly_class).between(
        dt.date(2026, 12, 14), dt.date(2026, 12, 24)
    )
    assert expanded(calendar) == listed(*in_window)
    listing = client.get("/lich-hoat-dong/", params)
    (card,) = [s for day in listing.context["days"].values() for s in day]  # with "và N buổi khác"
    assert expanded(calendar)[0] == listed(Session.objects.get(pk=card.pk))[0]
    assert len(expanded(calendar)) == 1 + card.others


def test_a_window_years_back_works(client, frozen_now):
    event = publish(
        EventPageFactory(
            start=dt.datetime(2023, 1, 3, 8, 0, tzinfo=HANOI),
            end=dt.datetime(2023, 1, 3, 9, 0, tzinfo=HANOI),
            rrule="FREQ=WEEKLY;COUNT=20",
        )
    )
    calendar = read(client.get(FEED, {"from": "2023-01-01", "to": "2023-12-31"}))
    assert len(expanded(calendar)) == 20
    assert expanded(calendar) == listed(*Session.objects.filter(event=event))


def test_default_window_is_thirty_days_back_to_a_year_ahead(client, frozen_now):
    old = publish(
        EventPageFactory(
            start=dt.datetime(2026, 9, 1, 8, 0, tzinfo=HANOI), end=dt.datetime(2026, 9, 1, 9, 0, tzinfo=HANOI)
        )
    )
    recent = publish(
        EventPageFactory(
            start=dt.datetime(2026, 11, 1, 8, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 11, 1, 9, 0, tzinfo=HANOI),
        )
    )
    uids = {uid for uid, _start, _end in expanded(read(client.get(FEED)))}
    assert recent.uid in uids and old.uid not in uids


def test_filters_apply_to_the_feed(client, weekly_class, frozen_now):
    other = publish(EventPageFactory(kind="exhibition"))
    weekly_class.audiences.set(Audience.objects.filter(code="older_people"))
    publish(weekly_class)
    uids = {
        uid for uid, _s, _e in expanded(read(client.get(FEED, {"kind": "class", "audience": "older_people"})))
    }
    assert uids == {weekly_class.uid}
    uids = {uid for uid, _s, _e in expanded(read(client.get(FEED, {"kind": "exhibition"})))}
    assert uids == {other.uid}


def test_institution_feed_holds_only_its_events(client, weekly_class, frozen_now):
    other = publish(EventPageFactory())
    institution = weekly_class.get_parent().specific
    calendar = read(client.get(reverse("events:institution-feed", args=[institution.code])))
    assert {uid for uid, _s, _e in expanded(calendar)} == {weekly_class.uid}
    assert other.uid not in calendar.to_ical().decode()
    assert str(calendar["X-WR-CALNAME"]) == institution.title


def test_unknown_institution_feed_is_404(client, db):
    assert client.get(reverse("events:institution-feed", args=["KHONG-CO"])).status_code == 404


def test_a_single_cancelled_session_is_marked_cancelled(client, frozen_now):
    from events.models import SessionChange

    event = EventPageFactory()
    event.changes.add(SessionChange(original_date=dt.date(2026, 12, 1), cancelled=True))
    publish(event)
    main = read(client.get(FEED)).walk("VEVENT")[0]
    assert main["STATUS"] == "CANCELLED"


def test_all_day_events_use_dates(client, frozen_now):
    publish(
        EventPageFactory(
            all_day=True,
            start=dt.datetime(2026, 12, 20, 0, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 12, 21, 0, 0, tzinfo=HANOI),
            rrule="FREQ=WEEKLY;COUNT=3",
        )
    )
    calendar = read(client.get(FEED))
    main = calendar.walk("VEVENT")[0]
    assert main["DTSTART"].dt == dt.date(2026, 12, 20)
    assert main["DTEND"].dt == dt.date(2026, 12, 22)
    occurrences = recurring_ical_events.of(calendar).between(dt.date(2026, 12, 1), dt.date(2027, 2, 1))
    assert [o.start for o in occurrences] == [
        dt.date(2026, 12, 20),
        dt.date(2026, 12, 27),
        dt.date(2027, 1, 3),
    ]


def test_etag_and_last_modified_give_304(client, weekly_class):
    first = client.get(FEED)
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    with time_machine.travel(dt.datetime(2026, 11, 25, 10, 0, tzinfo=HANOI), tick=False):
        publish(weekly_class)  # a new publication changes SEQUENCE and LAST-MODIFIED
        assert client.get(FEED, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2026-13-01"},
        {"to": "yesterday"},
        {"kind": "party"},
        {"area": "0"},
        {"free": "maybe"},
        {"from": "2026-12-31", "to": "2026-12-01"},
        {"topic": "khong-co"},
        {"from": "2016-12-01", "to": "2028-12-31"},  # more than ten years
    ],
)
def test_bad_parameters_get_400_with_a_message(client, db, params):
    response = client.get(FEED, params)
    assert response.status_code == 400
    assert response.content


def test_event_download_has_every_session(client, weekly_class):
    calendar = read(client.get(reverse("events:event-feed", args=[weekly_class.pk])))
    assert expanded(calendar) == listed(*Session.objects.filter(event=weekly_class))


def test_text_with_commas_semicolons_backslashes_and_newlines_survives(client, frozen_now):
    title = 'Nói chuyện: "Sách, đọc; và \\ viết"'
    publish(EventPageFactory(title=title, description="<p>Dòng một, có dấu phẩy;</p><p>Dòng hai \\ cuối</p>"))
    main = read(client.get(FEED)).walk("VEVENT")[0]
    assert str(main["SUMMARY"]) == title
    assert str(main["DESCRIPTION"]).startswith("Dòng một, có dấu phẩy;\n\nDòng hai \\ cuối")


def test_a_window_longer_than_two_years_is_refused_with_its_limit(client, db, settings, frozen_now):
    settings.EVENTS_FEED_MAX_DAYS = 731
    assert client.get(FEED, {"from": "2026-01-01", "to": "2027-12-31"}).status_code == 200
    assert client.get(FEED, {"from": "2026-01-01", "to": "2028-01-01"}).status_code == 200  # 731 days
    too_long = client.get(FEED, {"from": "2026-01-01", "to": "2028-01-02"})
    assert too_long.status_code == 400
    assert "731" in too_long.content.decode()
    assert client.get(FEED, {"from": "2025-06-01"}).status_code == 400  # to: a year from 25/11/2026
