import datetime as dt
import re

import icalendar
import pytest
import recurring_ical_events
import time_machine
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.public_cache import filter_form_cache, page_cache
from events.models import Audience, Campaign, EventIndexPage, EventPage, Topic
from institutions.models import AdministrativeUnit
from tests.conftest import NOW
from tests.institutions.factories import InstitutionPageFactory

from .conftest import publish
from .factories import HANOI, EventPageFactory

pytestmark = pytest.mark.django_db
LISTING = "/lich-hoat-dong/"


def titles(response):
    return [s.event.title for day in response.context["days"].values() for s in day]


@pytest.fixture
def programme(frozen_now):
    """Clubs and classes in Can Lộc and Tiên Điền in December 2026."""
    can_loc = InstitutionPageFactory(
        title="Thư viện huyện Can Lộc", code="TV-CL", unit=AdministrativeUnit.objects.for_code("443")
    )
    tien_dien = InstitutionPageFactory(
        title="Khu lưu niệm Nguyễn Du",
        code="BT-ND",
        kind="museum",
        unit=AdministrativeUnit.objects.for_code("18373"),
    )
    older = Audience.objects.get(code="older_people")
    reading = Topic.objects.get(slug="van-hoa-doc")
    club = EventPageFactory(
        parent=can_loc,
        title="CLB thơ người cao tuổi",
        kind="club",
        start=dt.datetime(2026, 12, 2, 15, 0, tzinfo=HANOI),
        end=dt.datetime(2026, 12, 2, 17, 0, tzinfo=HANOI),
        rrule="FREQ=WEEKLY;COUNT=4",
    )
    club.audiences.set([older])
    club.topics.set([reading])
    paid = EventPageFactory(
        parent=tien_dien,
        title="Lớp thư pháp",
        kind="class",
        is_free=False,
        price="50.000 đ",
        start=dt.datetime(2026, 12, 3, 8, 0, tzinfo=HANOI),
        end=dt.datetime(2026, 12, 3, 10, 0, tzinfo=HANOI),
    )
    paid.campaign = Campaign.objects.get(slug="ngay-di-san-2026")
    return {"club": publish(club), "paid": publish(paid), "can_loc": can_loc, "tien_dien": tien_dien}


def test_listing_groups_coming_sessions_by_day(client, programme):
    response = client.get(LISTING)
    assert response.status_code == 200
    days = list(response.context["days"])
    assert days[:2] == [dt.date(2026, 12, 2), dt.date(2026, 12, 3)]
    assert "Thứ Tư, 02/12/2026" in response.content.decode()


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"kind": "club"}, {"CLB thơ người cao tuổi"}),
        ({"kind": ["club", "class"]}, {"CLB thơ người cao tuổi", "Lớp thư pháp"}),
        ({"audience": "older_people"}, {"CLB thơ người cao tuổi"}),
        ({"topic": "van-hoa-doc"}, {"CLB thơ người cao tuổi"}),
        ({"campaign": "ngay-di-san-2026"}, {"Lớp thư pháp"}),
        ({"institution": "BT-ND"}, {"Lớp thư pháp"}),
        ({"institution_kind": "museum"}, {"Lớp thư pháp"}),
        ({"area": "443"}, {"CLB thơ người cao tuổi"}),
        ({"free": "1"}, {"CLB thơ người cao tuổi"}),
        ({"free": "0"}, {"CLB thơ người cao tuổi", "Lớp thư pháp"}),
        ({"q": "thu phap"}, {"Lớp thư pháp"}),
        ({"from": "2026-12-03", "to": "2026-12-03"}, {"Lớp thư pháp"}),
    ],
)
def test_each_filter(client, programme, params, expected):
    assert set(titles(client.get(LISTING, params))) == expected


def test_several_kinds_are_one_condition_on_the_column(client, programme):
    """`kind=club&kind=class` is one `IN` on the event's kind (PostgreSQL reads its index for it), not an
    `OR` of one condition for each kind; the directory's choices the same."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LISTING, {"kind": ["club", "class"], "institution_kind": ["museum", "library"]})
    assert set(titles(response)) == {"CLB thơ người cao tuổi", "Lớp thư pháp"}
    conditions = [q["sql"].split(" WHERE ", 1)[-1] for q in queries]
    matching = [sql for sql in conditions if '"events_eventpage"."kind"' in sql]
    assert matching
    for sql in matching:
        assert re.search(r'"events_eventpage"\."kind" IN \(\S+, \S+\)', sql), sql
        assert re.search(r'"institutions_institutionpage"\."kind" IN \(\S+, \S+\)', sql), sql
        assert " OR " not in sql, sql
    with CaptureQueriesContext(connection) as queries:
        client.get("/co-so/", {"kind": ["museum", "library"], "level": ["province", "commune"]})
    assert any(re.search(r'"kind" IN \(\S+, \S+\).*"level" IN \(\S+, \S+\)', q["sql"]) for q in queries)


@pytest.mark.parametrize(
    "params",
    [
        {"audience": ["adults", "older_people"]},
        {"kind": "club", "audience": "older_people"},  # one audience with a filter on the event: a join
        {"kind": "club", "audience": ["adults", "older_people"]},
        {"free": "1", "topic": ["van-hoa-doc", "lich-su-dia-phuong"]},
        {"campaign": "", "kind": "club", "topic": "van-hoa-doc"},
    ],
)
def test_an_event_of_two_audiences_or_topics_shows_once_with_each_session(client, programme, params):
    club = programme["club"]
    club.audiences.add(Audience.objects.get(code="adults"))
    club.topics.add(Topic.objects.get(slug="lich-su-dia-phuong"))
    response = client.get(LISTING, params)
    assert titles(response) == ["CLB thơ người cao tuổi"]
    sessions = [s for day in response.context["days"].values() for s in day]
    assert sessions[0].others == 3  # the other three meetings of December, counted once each
    assert response.context["paginator"].count == 4


def test_clubs_for_older_people_in_can_loc_next_month(client, programme):
    params = {
        "kind": "club",
        "audience": "older_people",
        "area": "443",
        "from": "2026-12-01",
        "to": "2026-12-31",
    }
    response = client.get(LISTING, params)
    # The club meets four times in December: one card, which says so.
    assert titles(response) == ["CLB thơ người cao tuổi"]
    content = response.content.decode()
    assert "và 3 buổi khác" in content
    assert "webcal://testserver/feeds/events.ics?kind=club&amp;audience=older_people" in content
    # Subscribing to that link gives the same sessions as the page.
    feed_url = response.context["download"].replace("http://testserver", "")
    calendar = icalendar.Calendar.from_ical(client.get(feed_url).content)
    in_calendar = sorted(
        o.start for o in recurring_ical_events.of(calendar).between(dt.date(2020, 1, 1), dt.date(2030, 1, 1))
    )
    (card,) = [s for day in response.context["days"].values() for s in day]
    assert in_calendar[0] == card.start and len(in_calendar) == 1 + card.others


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "party"},
        {"from": "2026-02-30"},
        {"area": "1"},
        {"free": "maybe"},
        {"page": "x"},
        {"audience": "cats"},
    ],
)
def test_bad_values_are_explained_not_an_error(client, programme, params):
    response = client.get(LISTING, params)
    assert response.status_code == 200


def test_month_view_shows_a_grid(client, programme):
    response = client.get(LISTING, {"view": "month", "month": "2026-12"})
    assert response.status_code == 200
    assert response.context["session_count"] == 5
    assert "12/2026" in response.content.decode()


def test_a_busy_day_shows_four_sessions_and_links_to_the_rest(client, programme):
    for hour in range(7, 13):
        publish(
            EventPageFactory(
                parent=programme["can_loc"],
                title=f"Buổi {hour} giờ",
                start=dt.datetime(2026, 12, 9, hour, 0, tzinfo=HANOI),
                end=dt.datetime(2026, 12, 9, hour, 45, tzinfo=HANOI),
            )
        )
    response = client.get(LISTING, {"view": "month", "month": "2026-12", "institution": "TV-CL"})
    weeks = response.context["weeks"]
    (cell,) = [cell for week in weeks for cell in week if cell.day == dt.date(2026, 12, 9)]
    assert [s.title for s in cell.sessions] == ["Buổi 7 giờ", "Buổi 8 giờ", "Buổi 9 giờ", "Buổi 10 giờ"]
    assert cell.more == 3  # 11 and 12 o'clock, and the poetry club's Wednesday afternoon
    assert cell.link == "?institution=TV-CL&from=2026-12-09&to=2026-12-09"
    link = cell.link
    assert "thêm 3 buổi ngày 09/12" in response.content.decode()
    assert len(titles(client.get(LISTING + link))) == 7


def test_month_grid_puts_sessions_on_their_local_day(client, programme):
    """Hà Tĩnh is 7 hours ahead of UTC: 00:30 on the 1st is still the 30th in UTC, 23:30 is not."""
    for title, start in [
        ("Đêm đầu tháng", dt.datetime(2027, 1, 1, 0, 30, tzinfo=HANOI)),
        ("Đêm cuối tháng", dt.datetime(2027, 1, 31, 23, 30, tzinfo=HANOI)),
        ("Đêm tháng trước", dt.datetime(2026, 12, 31, 23, 30, tzinfo=HANOI)),
    ]:
        publish(
            EventPageFactory(
                parent=programme["can_loc"], title=title, start=start, end=start + dt.timedelta(minutes=20)
            )
        )
    response = client.get(LISTING, {"view": "month", "month": "2027-01", "institution": "TV-CL"})
    shown = {
        cell.day: [s.title for s in cell.sessions]
        for week in response.context["weeks"]
        for cell in week
        if cell.in_month and cell.sessions
    }
    assert shown[dt.date(2027, 1, 1)] == ["Đêm đầu tháng"]
    assert shown[dt.date(2027, 1, 31)] == ["Đêm cuối tháng"]
    assert all("Đêm tháng trước" not in titles for titles in shown.values())


def test_month_view_ignores_a_bad_month(client, programme):
    assert client.get(LISTING, {"view": "month", "month": "2026-99"}).status_code == 200


def test_empty_listing_says_so(client, frozen_now):
    content = client.get(LISTING, {"kind": "sport"}).content.decode()
    assert "Không có hoạt động nào phù hợp" in content or "Nothing matches" in content


def test_listing_works_without_javascript(client, programme):
    content = client.get(LISTING).content.decode()
    # Only the "Gần tôi" button's script, which adds to the form: every filter is a plain GET field.
    scripts = re.findall(r"<script[^>]*>", content)
    assert len(scripts) == 1 and "near-me.js" in scripts[0] and "defer" in scripts[0]
    assert '<form class="filters" method="get"' in content and '<select name="near"' in content
    assert '<form class="filters" method="get"' in content


def test_listing_in_english(client, programme):
    response = client.get("/en" + LISTING)
    assert response.status_code == 200
    assert "Subscribe to these results" in response.content.decode()


def test_listing_queries_do_not_grow_with_results(client, programme, django_assert_max_num_queries):
    client.get(LISTING)
    cache.clear()  # measure rendering, not the public cache
    with CaptureQueriesContext(connection) as few:
        client.get(LISTING)
    for number in range(10):
        publish(EventPageFactory(parent=programme["can_loc"], title=f"Sự kiện {number}"))
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(LISTING)


API = reverse("events:api-sessions")


def test_api_lists_sessions_with_their_event_and_place(client, programme):
    data = client.get(API, {"kind": "club"}).json()
    assert data["count"] == 4
    first = data["results"][0]
    assert first["title"] == "CLB thơ người cao tuổi"
    assert first["start"] == "2026-12-02T15:00:00+07:00"
    assert first["institution_code"] == "TV-CL"
    assert first["unit_code"] == "443"
    assert first["audiences"] == ["older_people"]
    assert first["topics"] == ["van-hoa-doc"]
    assert first["event_uid"] == programme["club"].uid
    for key in ("end", "all_day", "status", "kind", "institution_name", "url"):
        assert key in first


def test_api_leaves_out_cancelled_sessions_unless_asked(client, frozen_now):
    from events.models import SessionChange

    event = EventPageFactory(rrule="FREQ=DAILY;COUNT=3")
    event.changes.add(SessionChange(original_date=dt.date(2026, 12, 2), cancelled=True))
    publish(event)
    assert client.get(API).json()["count"] == 2
    data = client.get(API, {"include_cancelled": "1"}).json()
    assert [r["status"] for r in data["results"]] == ["scheduled", "cancelled", "scheduled"]


@pytest.mark.parametrize(
    "params", [{"page_size": "501"}, {"page_size": "0"}, {"page": "abc"}, {"kind": "x"}, {"from": "x"}]
)
def test_api_bad_parameters_get_400(client, db, params):
    response = client.get(API, params)
    assert response.status_code == 400
    assert response.json()["errors"]


def test_api_queries_do_not_grow_with_results(client, programme, django_assert_max_num_queries):
    client.get(API)
    cache.clear()  # measure rendering, not the public cache
    with CaptureQueriesContext(connection) as few:
        client.get(API)
    for number in range(10):
        publish(EventPageFactory(parent=programme["tien_dien"], title=f"Sự kiện {number}"))
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(API, {"page_size": 500}).json()["count"] > 10


def test_feed_queries_do_not_grow_with_results(client, programme, django_assert_max_num_queries):
    feed = reverse("events:feed")
    client.get(feed)
    cache.clear()  # measure rendering, not the public cache
    with CaptureQueriesContext(connection) as few:
        client.get(feed)
    for number in range(10):
        publish(EventPageFactory(parent=programme["tien_dien"], title=f"Sự kiện {number}"))
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(feed)


def test_exhibitions_that_began_earlier_are_listed_apart_while_they_run(client, programme):
    exhibition = publish(
        EventPageFactory(
            parent=programme["tien_dien"],
            title="Triển lãm Truyện Kiều",
            kind="exhibition",
            start=dt.datetime(2026, 10, 1, 8, 0, tzinfo=HANOI),
            end=dt.datetime(2027, 1, 31, 17, 0, tzinfo=HANOI),
        )
    )
    publish(
        EventPageFactory(
            parent=programme["tien_dien"],
            title="Triển lãm đã đóng",
            start=dt.datetime(2026, 9, 1, 8, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 11, 1, 17, 0, tzinfo=HANOI),
        )
    )
    response = client.get(LISTING)
    assert [s.event.title for s in response.context["running"]] == [exhibition.title]
    assert exhibition.title not in titles(response) and "Triển lãm đã đóng" not in titles(response)
    page = response.content.decode()
    assert "Đang diễn ra" in page and "01/10/2026 đến 31/01/2027" in page
    assert client.get(LISTING, {"kind": "club"}).context["running"] == []  # filters apply to it too
    assert client.get(LISTING, {"page": 2}).context["running"] == []


def test_a_session_that_began_this_morning_is_still_in_the_list(client, programme):
    morning = publish(
        EventPageFactory(
            parent=programme["tien_dien"],
            title="Lớp sáng nay",
            start=dt.datetime(2026, 11, 25, 7, 0, tzinfo=HANOI),  # the clock says 09:00
            end=dt.datetime(2026, 11, 25, 11, 0, tzinfo=HANOI),
        )
    )
    assert titles(client.get(LISTING))[0] == morning.title


def test_the_count_of_a_long_list_is_capped(client, programme, monkeypatch):
    from events.listing import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    response = client.get(LISTING)
    assert response.context["paginator"].capped
    assert "Hơn 3 buổi" in response.content.decode()
    exact = client.get(LISTING, {"kind": "class", "institution": "BT-ND"})
    assert not exact.context["paginator"].capped


def test_an_event_that_expires_leaves_the_listing_the_month_and_the_feed(client, programme):
    """The listings trust that only published events have sessions in the schedule."""
    club = programme["club"]
    club.expire_at = NOW + dt.timedelta(hours=1)
    publish(club)
    with time_machine.travel(NOW + dt.timedelta(hours=2), tick=False):
        assert "CLB thơ người cao tuổi" in titles(client.get(LISTING))
        call_command("publish_scheduled")
        assert not EventPage.objects.get(pk=club.pk).live
        assert "CLB thơ người cao tuổi" not in titles(client.get(LISTING))
        month = client.get(LISTING, {"view": "month", "month": "2026-12"})
        assert month.context["session_count"] == 1  # the calligraphy class
        assert "CLB thơ" not in client.get("/feeds/events.ics").content.decode()


@pytest.mark.parametrize("prefix, language", [("", "vi"), ("/en", "en")])
def test_listing_links_are_the_ones_wagtail_makes(client, programme, prefix, language):
    response = client.get(prefix + LISTING)
    shown = {s.event.pk: s.event.url for day in response.context["days"].values() for s in day}
    with translation.override(language):
        expected = {pk: EventPage.objects.get(pk=pk).get_url(response.wsgi_request) for pk in shown}
    assert shown == expected
    assert all(url.startswith(f"{prefix}/") for url in shown.values())
    content = response.content.decode()
    assert all(f'href="{url}"' in content for url in shown.values())


def test_the_filter_form_is_kept_across_publications(client, programme):
    """A publication changes the results, not what the filters offer: the form is not written again."""
    client.get(LISTING)
    publish(EventPageFactory(parent=programme["can_loc"], title="Lớp mới"))
    with CaptureQueriesContext(connection) as queries:
        content = client.get(LISTING).content.decode()
    assert "Lớp mới" in content
    assert '<option value="van-hoa-doc">' in content
    assert not any('"events_topic"' in query["sql"] for query in queries.captured_queries)


def test_the_filter_form_offers_a_new_topic_at_once(client, programme):
    client.get(LISTING)
    Topic.objects.create(name="Gấp giấy Origami", slug="gap-giay")
    assert '<option value="gap-giay">Gấp giấy Origami</option>' in client.get(LISTING).content.decode()


def test_the_filter_form_is_kept_for_each_address_and_language(client, programme):
    chosen = '<option value="van-hoa-doc" selected>'
    assert chosen in client.get(LISTING, {"topic": "van-hoa-doc"}).content.decode()
    plain = client.get(LISTING).content.decode()
    assert chosen not in plain
    assert "Lọc</button>" in plain
    assert "Apply filters</button>" in client.get("/en" + LISTING).content.decode()


def test_an_editors_preview_of_the_listing_is_not_kept(client, programme, rf):
    """A preview writes the form afresh and keeps nothing; the public's kept form stays as it was."""

    def kept_form(preview):
        request = rf.get(LISTING)
        request.is_preview = preview
        vary_on = [filter_form_cache(request)["filter_form_version"], "vi", LISTING]
        return page_cache().get(make_template_fragment_key("session_filters", vary_on))

    client.get(LISTING)
    public = kept_form(preview=False)
    assert '<option value="van-hoa-doc">' in public
    preview = EventIndexPage.objects.get().make_preview_request()
    assert '<option value="van-hoa-doc">' in preview.content.decode()
    assert kept_form(preview=True) is None
    assert kept_form(preview=False) == public


def test_an_invalid_from_date_says_so_and_lists_from_today(client, programme):
    response = client.get(LISTING, {"from": "abc"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Từ ngày: Nhập một ngày hợp lệ." in content
    assert '<details class="filter-panel" open>' in content  # unfolded on a phone, so the message is seen
    days = list(response.context["days"])
    assert days and days[0] >= NOW.date()  # nothing before today, as without a date


def test_api_counts_up_to_its_cap_and_says_more_beyond(client, programme, monkeypatch):
    """A year of the province's sessions is not counted on every page: past the cap, `count` is a lower
    bound, `count_exact` is false, and the pages still go on to the last session."""
    from events import views

    monkeypatch.setattr(views, "API_COUNT_CAP", 3)
    first = client.get(API, {"page_size": 2}).json()
    assert (first["count"], first["count_exact"]) == (3, False)  # 5 sessions: "more than 3"
    assert first["next"] and len(first["results"]) == 2
    second = client.get(first["next"]).json()
    assert second["next"]  # the pages counted end at 4, and there is more
    third = client.get(second["next"]).json()
    assert (third["count"], third["count_exact"]) == (5, True)  # counted as far as this page needs
    assert third["next"] is None and len(third["results"]) == 1
    seen = [r["start"] for page in (first, second, third) for r in page["results"]]
    assert len(set(seen)) == 5
    # A page of 50 counts up to 51 matches: the 4 clubs are counted exactly.
    assert client.get(API, {"kind": "club"}).json()["count_exact"] is True


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"kind": "club"},
        {"kind": "club", "from": "2026-12-10", "to": "2026-12-31"},
        {"audience": "older_people", "area": "443", "free": "1"},
        {"q": "tho", "institution": "TV-CL", "to": "2026-12-16"},
    ],
)
def test_each_card_counts_its_events_other_matching_sessions(client, programme, params):
    """The cards' "and N more sessions" are counted by the filters of sessions alone: the same as all
    the filters would count for the events on the page."""
    from events.filters import SessionFilter
    from events.models import Session

    response = client.get(LISTING, params)
    cards = [card for day in response.context["days"].values() for card in day]
    assert cards
    from django.http import QueryDict
    from django.utils.http import urlencode

    matching = SessionFilter(QueryDict(urlencode(params)), queryset=Session.objects.filter(in_schedule=True))
    assert matching.is_valid(), matching.errors
    sessions = matching.qs.exclude(status="cancelled")
    if "from" not in params:
        sessions = sessions.coming()
    for card in cards:
        assert card.others == sessions.filter(event_id=card.event.pk).count() - 1
