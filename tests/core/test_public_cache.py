"""The public cache: anonymous visitors share cached listings and feeds; editors never do; publishing
shows at once."""

import datetime as dt
import time

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.public_cache import content_changed
from events.models import Session
from tests.events.conftest import publish
from tests.events.factories import EventPageFactory
from tests.events.test_listing import LISTING, programme  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
FEED = reverse("events:feed")
API = reverse("events:api-sessions")


@pytest.mark.parametrize("address", [LISTING, LISTING + "?kind=club&view=month", FEED, API, "/co-so/"])
def test_the_second_anonymous_request_is_answered_from_the_cache(client, programme, address):  # noqa: F811
    first = client.get(address)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(address)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert len(queries) == 0


def test_a_logged_in_editor_never_gets_or_leaves_a_cached_page(client, admin_client, programme):  # noqa: F811
    client.get(LISTING)  # an anonymous visit fills the cache
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(LISTING)
    assert len(queries) > 0  # rendered for the editor
    assert response.wsgi_request.user.is_authenticated

    from django.test import Client

    editor_only = Client()
    editor_only.force_login(response.wsgi_request.user)
    editor_only.get(FEED)
    with CaptureQueriesContext(connection) as queries:
        client.get(FEED)
    assert len(queries) > 0  # the editor's feed was not stored for others


def test_a_visitor_with_a_message_gets_a_fresh_page(client, programme):  # noqa: F811
    client.get(LISTING)
    client.cookies["messages"] = "anything"
    with CaptureQueriesContext(connection) as queries:
        client.get(LISTING)
    assert len(queries) > 0


def test_publishing_an_event_shows_at_once(client, programme):  # noqa: F811
    assert "Lớp mới" not in client.get(LISTING).content.decode()
    publish(EventPageFactory(parent=programme["can_loc"], title="Lớp mới"))
    assert "Lớp mới" in client.get(LISTING).content.decode()
    assert "Lớp mới" in client.get(FEED).content.decode()


def test_a_publication_shows_even_when_the_cache_dropped_the_version(client, programme):  # noqa: F811
    """A full cache drops its least recently used keys, the content version among them: the version
    that replaces it must not bring back a page kept before the publication."""
    from django.core.cache import cache

    from core.public_cache import VERSION_KEY

    cache.delete(VERSION_KEY)
    assert "Lớp mới" not in client.get(LISTING).content.decode()  # kept under the first version
    publish(EventPageFactory(parent=programme["can_loc"], title="Lớp mới"))
    cache.delete(VERSION_KEY)  # evicted after the publication moved it on
    assert "Lớp mới" in client.get(LISTING).content.decode()


def test_unpublishing_hides_at_once(client, programme):  # noqa: F811
    assert "CLB thơ người cao tuổi" in client.get(LISTING).content.decode()
    programme["club"].unpublish()
    assert "CLB thơ người cao tuổi" not in client.get(LISTING).content.decode()


def test_a_changed_session_shows_at_once(client, programme):  # noqa: F811
    client.get(API)
    Session.objects.filter(event=programme["club"]).delete()
    assert "CLB thơ người cao tuổi" not in client.get(API).content.decode()


def test_a_cached_feed_answers_304_to_a_client_that_has_it(client, programme):  # noqa: F811
    first = client.get(FEED)
    again = client.get(FEED, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]
    assert again.content == b""


def test_cached_responses_expire(client, programme, settings):  # noqa: F811
    settings.PUBLIC_CACHE_SECONDS = 1
    client.get(LISTING)
    time.sleep(1.5)  # a Redis cache keeps its own clock
    later = timezone.now() + dt.timedelta(seconds=2)  # the local-memory cache reads the frozen one
    with time_machine.travel(later, tick=False), CaptureQueriesContext(connection) as queries:
        client.get(LISTING)
    assert len(queries) > 0


def test_a_publication_re_renders_only_the_events_it_changed_in_the_feed(client, programme, monkeypatch):  # noqa: F811
    from events import ical

    rendered = []
    original = ical.event_components
    monkeypatch.setattr(
        ical, "event_components", lambda event, *args: rendered.append(event.pk) or original(event, *args)
    )
    first = client.get(FEED).content
    assert len(set(rendered)) >= 2
    rendered.clear()
    club = programme["club"]
    club.title = "CLB thơ người cao tuổi Can Lộc"
    club.save_revision().publish()
    again = client.get(FEED).content
    assert set(rendered) == {club.pk}  # written at publication, and by the feed of another address
    renamed = "CLB thơ người cao tuổi Can Lộc".encode()
    assert renamed not in first.replace(b"\r\n ", b"")  # lines of iCalendar fold at 75 octets
    assert renamed in again.replace(b"\r\n ", b"")


def test_renaming_an_institution_moves_its_events_in_the_feed(client, programme):  # noqa: F811
    """A VEVENT's LOCATION is its institution's name and address: kept VEVENTs must not outlive them."""
    assert "Thư viện huyện Can Lộc" in client.get(FEED).content.replace(b"\r\n ", b"").decode()
    library = programme["can_loc"]
    library.title = "Thư viện Can Lộc mới"
    library.save_revision().publish()
    content = client.get(FEED).content.replace(b"\r\n ", b"").decode()
    assert "LOCATION:Thư viện Can Lộc mới" in content
    assert "Thư viện huyện Can Lộc" not in content


def cache_entries() -> int:
    """How many entries the cache holds: local memory in `make test`, Redis in `make test-redis`."""
    from django.core.cache import cache

    if hasattr(cache, "_cache") and isinstance(cache._cache, dict):
        return len(cache._cache)
    return cache._cache.get_client().dbsize()


@pytest.mark.parametrize(
    "address", [LISTING + "?kind=club", API + "?page_size=500", FEED + "?kind=club", "/co-so/"]
)
def test_junk_parameters_add_no_cache_entry(client, programme, address):  # noqa: F811
    first = client.get(address)
    entries = cache_entries()
    separator = "&" if "?" in address else "?"
    for number in range(20):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{address}{separator}junk={number}&utm_source=zalo{number}")
        assert response.content == first.content
        assert len(queries) == 0  # answered from the entry of the same query without the junk
    assert cache_entries() == entries


def test_the_order_and_repeats_of_parameters_do_not_make_new_entries(client, programme):  # noqa: F811
    first = client.get(API, {"kind": ["club", "class"]})
    for query in [
        "kind=class&kind=club",
        "kind=club&kind=class&kind=club",
        "kind=class&kind=club&kind=class",
    ]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{API}?{query}")
        assert response.content == first.content
        assert len(queries) == 0


def test_a_repeated_single_parameter_is_read_as_the_view_reads_it(client, programme):  # noqa: F811
    """`page=2&page=1` is page 1 to Django (its last value): it must never be answered with page 2."""
    page_one = client.get(API, {"page_size": 1, "page": 1}).json()
    page_two = client.get(API, {"page_size": 1, "page": 2}).json()
    assert page_one != page_two
    assert client.get(f"{API}?page_size=1&page=2&page=1").json() == page_one
    assert client.get(f"{API}?page_size=1&page=1&page=2").json() == page_two


def test_responses_over_the_limit_are_not_kept_in_local_memory(client, programme, settings):  # noqa: F811
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if not isinstance(caches["default"], LocMemCache):
        pytest.skip("the limit is for local memory; Redis has its own")
    settings.PUBLIC_CACHE_LOCAL_MAX_BYTES = 1000
    client.get(FEED)
    with CaptureQueriesContext(connection) as queries:
        client.get(FEED)
    assert len(queries) > 0  # rendered again: the feed is larger than 1,000 bytes
    client.get(API, {"kind": "sport"})  # small: a few hundred bytes
    with CaptureQueriesContext(connection) as queries:
        client.get(API, {"kind": "sport"})
    assert len(queries) == 0


def test_a_whole_calendar_cannot_push_the_pages_or_the_content_version_out(client, programme, settings):  # noqa: F811
    """A feed stores a piece per event: with fewer places than events, it culls only its own kind of
    entries, so the listing is still answered from the cache and the content version is unchanged."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from core.public_cache import content_version

    for number in range(6):
        publish(EventPageFactory(parent=programme["can_loc"], title=f"Lớp {number}"))
    events = 8
    if isinstance(caches["default"], LocMemCache):  # Redis has no count of entries to shrink
        settings.CACHES = {
            alias: {**config, "OPTIONS": {"MAX_ENTRIES": events // 2}}
            for alias, config in settings.CACHES.items()
        }
    settings.FEED_PARTS_STORED_PER_REQUEST = 1
    client.get(LISTING)
    version = content_version()

    whole = client.get(FEED, {"from": "2026-01-01", "to": "2027-12-31"})  # the longest window
    assert whole.content.count(b"BEGIN:VEVENT") >= events

    with CaptureQueriesContext(connection) as queries:
        assert client.get(LISTING).status_code == 200
    assert len(queries) == 0
    assert content_version() == version
    if isinstance(caches["feed_parts"], LocMemCache):
        assert len(caches["feed_parts"]._cache) == 1  # one request keeps at most its share of pieces


def test_event_and_institution_pages_are_answered_from_the_cache(client, programme):  # noqa: F811
    for page in (programme["club"], programme["can_loc"]):
        first = client.get(page.url)
        with CaptureQueriesContext(connection) as queries:
            second = client.get(page.url)
        assert second.status_code == 200
        assert second.content == first.content
        assert len(queries) == 0


def test_an_edit_of_an_event_or_its_institution_shows_at_once(client, programme):  # noqa: F811
    club, library = programme["club"], programme["can_loc"]
    client.get(club.url)
    client.get(library.url)
    library.phone = "0239 3 812 345"
    library.save_revision().publish()
    assert "0239 3 812 345" in client.get(club.url).content.decode()  # the event page's contact
    assert "0239 3 812 345" in client.get(library.url).content.decode()


def later(seconds: float):
    """`seconds` on: the local-memory cache reads the frozen clock, Redis keeps its own."""
    time.sleep(seconds)
    return time_machine.travel(timezone.now() + dt.timedelta(seconds=seconds), tick=False)


def test_seats_left_are_true_at_once_on_the_page_of_an_event_taking_registrations(client, frozen_now):
    from django.test import Client

    from tests.events.test_registration import FORM, course, first_session

    event = course(capacity=3)
    session = first_session(event)
    assert "Còn 3 chỗ" in client.get(event.url).content.decode()
    resident = Client()
    assert resident.post(f"/dang-ky/{session.pk}/", FORM).status_code == 303
    assert "Còn 2 chỗ" in client.get(event.url).content.decode()  # to every visitor, at once
    assert "Còn 2 chỗ" in resident.get(event.url).content.decode()  # and to the one who took it


def test_the_page_of_an_event_taking_registrations_is_kept_and_its_seats_written_again(client, frozen_now):
    """The page comes from the cache with one query (its sessions' rows, with their event's), the same
    bytes as a page made afresh, in the visitor's language, with the register link gone when full."""
    from django.test import Client

    from tests.events.test_registration import FORM, course, first_session

    event = course(capacity=1, waitlist=False, whole_course=False)
    session, url = first_session(event), event.url
    for prefix, words in (("", "Còn 1 chỗ"), ("/en", "1 seat left")):
        first = client.get(prefix + url).content.decode()
        assert words in first and f"/dang-ky/{session.pk}/" in first
        with CaptureQueriesContext(connection) as queries:
            kept = client.get(prefix + url)
        assert len(queries) == 1, [q["sql"] for q in queries]
        assert kept.content.decode() == first
        assert int(kept["Content-Length"]) == len(kept.content)

    assert Client().post(f"/dang-ky/{session.pk}/", FORM).status_code == 303
    with CaptureQueriesContext(connection) as queries:
        kept = client.get(url).content.decode()
        kept_english = client.get("/en" + url).content.decode()
    assert len(queries) == 2  # still from the cache
    for page, words in ((kept, "Hết chỗ"), (kept_english, "Full")):
        for form in ("summary", "row"):  # the next session's, at the top, and its line
            part = page.split(f"<!--seats:{session.pk}:{form}-->")[1].split("<!--/seats-->")[0]
            assert part == f'<span class="seats">{words}</span>'  # no register link
    content_changed()
    assert client.get(url).content.decode() == kept  # as the page made afresh says


def test_a_sessions_own_number_of_seats_set_by_staff_is_true_at_once_on_the_kept_page(client, frozen_now):
    """Staff giving a session more seats moves no content version: the kept page says so all the same."""
    from events.registering import set_capacity
    from tests.events.test_registration import course, first_session

    event = course(capacity=2)
    session = first_session(event)
    assert "Còn 2 chỗ" in client.get(event.url).content.decode()
    set_capacity(session, 5)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(event.url).content.decode()
    assert len(queries) == 1  # from the cache
    row = page.split(f"<!--seats:{session.pk}:row-->")[1].split("<!--/seats-->")[0]
    assert "Còn 5 chỗ" in row
    assert page.count("Còn 2 chỗ") == 2  # the other sessions keep the event's number


def test_open_now_on_a_cached_institution_page_is_fresh_within_the_cache_time(client, frozen_now, settings):
    from institutions.models import OpeningHours
    from tests.institutions.factories import InstitutionPageFactory

    settings.PUBLIC_CACHE_SECONDS = 1
    library = InstitutionPageFactory(title="Thư viện xã Tùng Lộc", code="TV-TL")
    local = timezone.localtime(frozen_now)
    closes = (local + dt.timedelta(seconds=1)).time()  # open until a second from now
    OpeningHours.objects.create(page=library, weekday=local.weekday(), opens="07:00", closes=closes)
    assert "Đang mở cửa" in client.get(library.url).content.decode()
    with later(1.5):
        page = client.get(library.url).content.decode()
    assert "Đang đóng cửa" in page and "Đang mở cửa" not in page


def test_a_publication_leaves_the_menu_breadcrumbs_and_site_kept(client, programme):  # noqa: F811
    """An event's publication forgets the pages, not what only the top of the page tree can change."""
    from core.public_cache import structure_version

    client.get(programme["club"].url)
    version = structure_version()
    publish(EventPageFactory(parent=programme["can_loc"], title="Lớp mới"))
    assert structure_version() == version
    with CaptureQueriesContext(connection) as queries:
        client.get(LISTING)
    sql = " ".join(query["sql"] for query in queries.captured_queries)
    assert "wagtailcore_site" not in sql  # the site and its home page from the cache
    assert "institutions_institutionindexpage" not in sql  # the menu from the cache


def test_renaming_an_institution_shows_in_its_events_breadcrumbs_at_once(client, programme):  # noqa: F811
    club, library = programme["club"], programme["can_loc"]
    assert "Thư viện huyện Can Lộc" in client.get(club.url).content.decode()
    library.title = "Thư viện Can Lộc mới"
    library.save_revision().publish()
    page = client.get(club.url).content.decode()
    breadcrumbs = page[
        page.index('class="breadcrumbs') : page.index("</nav>", page.index('class="breadcrumbs'))
    ]
    assert "Thư viện Can Lộc mới" in breadcrumbs


def test_moving_a_section_moves_the_menu_at_once(client, programme):  # noqa: F811
    from events.models import EventIndexPage

    assert 'href="/lich-hoat-dong/"' in client.get("/co-so/").content.decode()
    calendar = EventIndexPage.objects.get()
    calendar.slug = "lich"
    calendar.save_revision().publish()
    page = client.get("/co-so/").content.decode()
    assert 'href="/lich/"' in page and 'href="/lich-hoat-dong/"' not in page


def test_a_new_site_is_answered_at_once(client, programme, settings):  # noqa: F811
    from wagtail.models import Site

    settings.ALLOWED_HOSTS = ["*"]
    library = programme["can_loc"]
    home = client.get("/", HTTP_HOST="thuvien.example.vn").content.decode()  # the default site
    assert "<h1>Thư viện huyện Can Lộc</h1>" not in home
    Site.objects.create(hostname="thuvien.example.vn", root_page=library, is_default_site=False)
    page = client.get("/", HTTP_HOST="thuvien.example.vn").content.decode()
    assert "Thư viện huyện Can Lộc</h1>" in page  # the library's own address starts at the library


def test_a_view_restriction_is_honoured_at_once_though_none_is_read_for_other_pages(client, programme):  # noqa: F811
    """The admin refuses restrictions (README, "Private pages"); one made in the database all the same is
    still honoured at once, on the page and below it, while pages without one read none."""
    from wagtail.models import PageViewRestriction

    club, library = programme["club"], programme["can_loc"]
    assert client.get(club.url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(LISTING)
    assert not any("pageviewrestriction" in query["sql"] for query in queries.captured_queries)
    PageViewRestriction.objects.create(page=library, restriction_type="password", password="bi-mat")
    for url in (library.url, club.url):
        response = client.get(url)
        assert "CLB thơ người cao tuổi</h1>" not in response.content.decode()
        assert 'name="password"' in response.content.decode()
    assert client.get(LISTING).status_code == 200
