"""The embeddable widget (SPEC §12): `/nhung/<code>/`, an institution's coming sessions that any site may
frame, with no cookie, and its copy-and-paste snippet on the institution's page and in its admin."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from events.models import SessionChange
from events.widget import DEFAULT_LIMIT
from tests.institutions.factories import InstitutionPageFactory
from tests.portal.test_security_headers import production_like  # noqa: F401 (fixture)

from .conftest import publish
from .factories import HANOI, EventPageFactory

pytestmark = pytest.mark.django_db
WIDGET = "/nhung/TV-CL/"


def titles(response) -> list[str]:
    return [html.unescape(title) for title in re.findall(r"<h2><a [^>]*>([^<]*)<", response.content.decode())]


@pytest.fixture
def programme(frozen_now):
    """Can Lộc's library: a weekly club from 02/12, a class on 03/12 at another address, an online talk
    with one of its two sessions cancelled, a talk that has ended, an event taken down; and a museum's
    class the same week."""
    can_loc = InstitutionPageFactory(title="Thư viện huyện Can Lộc", code="TV-CL")
    museum = InstitutionPageFactory(title="Bảo tàng tỉnh", code="BT-TINH", kind="museum")
    club = EventPageFactory(
        parent=can_loc,
        title="CLB thơ người cao tuổi",
        kind="club",
        start=dt.datetime(2026, 12, 2, 15, 0, tzinfo=HANOI),
        end=dt.datetime(2026, 12, 2, 17, 0, tzinfo=HANOI),
        rrule="FREQ=WEEKLY;COUNT=4",
    )
    lesson = EventPageFactory(
        parent=can_loc,
        title="Lớp tin học",
        venue="address",
        venue_address="Nhà văn hóa thôn Trung",
        start=dt.datetime(2026, 12, 3, 8, 0, tzinfo=HANOI),
        end=dt.datetime(2026, 12, 3, 10, 0, tzinfo=HANOI),
    )
    talk = EventPageFactory(
        parent=can_loc,
        title="Nói chuyện chuyên đề",
        kind="talk",
        venue="online",
        online_url="https://meet.example.org/x",
        start=dt.datetime(2026, 12, 4, 19, 0, tzinfo=HANOI),
        end=dt.datetime(2026, 12, 4, 20, 0, tzinfo=HANOI),
        rrule="FREQ=DAILY;COUNT=2",
    )
    talk.changes.add(SessionChange(original_date=dt.date(2026, 12, 4), cancelled=True))
    past = EventPageFactory(
        parent=can_loc,
        title="Buổi đọc sách đã qua",
        start=dt.datetime(2026, 11, 20, 8, 0, tzinfo=HANOI),
        end=dt.datetime(2026, 11, 20, 10, 0, tzinfo=HANOI),
    )
    withdrawn = EventPageFactory(
        parent=can_loc, title="Sự kiện đã gỡ", start=dt.datetime(2026, 12, 2, 8, 0, tzinfo=HANOI)
    )
    elsewhere = EventPageFactory(
        parent=museum, title="Lớp của bảo tàng", start=dt.datetime(2026, 12, 2, 9, 0, tzinfo=HANOI)
    )
    for event in (club, lesson, talk, past, elsewhere):
        publish(event)
    publish(withdrawn).unpublish()
    return {"can_loc": can_loc, "museum": museum, "club": club}


def test_lists_the_institutions_coming_sessions_only(client, programme):
    response = client.get(WIDGET)
    assert response.status_code == 200
    assert response.templates[0].name == "events/widget.html"
    # Soonest first; not the museum's, the cancelled talk of 04/12, what ended or what was taken down.
    assert titles(response) == [
        "CLB thơ người cao tuổi",
        "Lớp tin học",
        "Nói chuyện chuyên đề",
        "CLB thơ người cao tuổi",
        "CLB thơ người cao tuổi",
    ]
    content = response.content.decode()
    for absent in ("Lớp của bảo tàng", "Buổi đọc sách đã qua", "Sự kiện đã gỡ"):
        assert absent not in content
    assert "05/12/2026 19:00–20:00" in content  # the talk's session that is not cancelled
    assert "04/12/2026" not in content


def test_each_session_has_its_time_title_link_and_place(client, programme):
    content = client.get(WIDGET).content.decode()
    assert "Thứ Tư, 02/12/2026 15:00–17:00" in content  # dd/mm/yyyy, Hà Tĩnh's time
    assert '<time datetime="2026-12-02T15:00:00+07:00">' in content
    club_url = "http://testserver" + programme["club"].url
    assert f'<a href="{club_url}" target="_blank" rel="noopener">CLB thơ người cao tuổi' in content
    assert "Thư viện huyện Can Lộc" in content  # the club is held at the library
    assert "Nhà văn hóa thôn Trung" in content  # the class at its own address
    assert "Online" in content or "Trực tuyến" in content


def test_links_open_in_a_new_tab_and_say_so(client, programme):
    content = client.get(WIDGET).content.decode()
    links = re.findall(r"<a [^>]*>", content)
    assert links
    assert all('target="_blank"' in link and 'rel="noopener"' in link for link in links)
    assert content.count('class="visually-hidden"') == len(links)
    institution_url = "http://testserver" + programme["can_loc"].url
    assert f'<a href="{institution_url}" target="_blank" rel="noopener">' in content


def test_is_a_small_page_of_its_own(client, programme):
    """Its own stylesheet, a heading, a title and a language; no script, nothing from elsewhere, no form."""
    content = client.get(WIDGET).content.decode()
    assert '<html lang="vi">' in content
    assert "<title>" in content and "<h1>" in content
    assert re.findall(r'<link rel="stylesheet" href="([^"]+)"', content) == ["/static/css/widget.css"]
    assert "<script" not in content and "<form" not in content and "<img" not in content
    assert "site.css" not in content


def test_the_english_widget(client, programme):
    response = client.get("/en" + WIDGET)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "(opens in a new tab)" in content
    with translation.override("en"):
        assert reverse("widget", args=["TV-CL"]) == "/en/nhung/TV-CL/"


@pytest.mark.parametrize(
    "query, expected",
    [
        ("kind=club", ["CLB thơ người cao tuổi"] * 4),
        ("kind=club&limit=2", ["CLB thơ người cao tuổi"] * 2),
        ("kind=talk&kind=class", ["Lớp tin học", "Nói chuyện chuyên đề"]),
        ("limit=1", ["CLB thơ người cao tuổi"]),
        (
            "limit=20",
            ["CLB thơ người cao tuổi", "Lớp tin học", "Nói chuyện chuyên đề"]
            + ["CLB thơ người cao tuổi"] * 3,
        ),
        ("from=2026-12-10", ["CLB thơ người cao tuổi"] * 2),
        ("q=tin+hoc", ["Lớp tin học"]),
        (
            "institution=BT-TINH",
            [],
        ),  # the listing's filters narrow the institution's sessions, never widen them
    ],
)
def test_takes_the_listings_filters_and_a_limit(client, programme, query, expected):
    response = client.get(f"{WIDGET}?{query}")
    assert response.status_code == 200
    assert titles(response) == expected


def test_shows_five_sessions_by_default(client, programme):
    assert DEFAULT_LIMIT == 5
    assert len(titles(client.get(WIDGET))) == 5


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=21",
        "limit=-1",
        "limit=abc",
        "limit=1.5",
        "limit=٣",
        "limit=" + "9" * 40,
        "kind=nope",
        "from=x",
    ],
)
def test_a_bad_parameter_gets_a_clear_400(client, programme, query):
    response = client.get(f"{WIDGET}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    name = query.split("=")[0]
    assert response.content.decode().startswith(f"{name}: ")
    assert not response.cookies  # its headers under production settings: test_any_site_may_frame_the_widget


def test_an_empty_limit_is_the_default(client, programme):
    assert len(titles(client.get(WIDGET + "?limit="))) == 5


def test_an_unknown_or_unpublished_institution_is_404(client, programme):
    response = client.get("/nhung/KHONG-CO/")
    assert response.status_code == 404
    assert "KHONG-CO" in response.content.decode()
    programme["museum"].unpublish()
    assert client.get("/nhung/BT-TINH/").status_code == 404


def test_says_when_nothing_is_coming(client, programme):
    response = client.get("/nhung/TV-CL/?kind=exhibition")
    assert response.status_code == 200
    assert titles(response) == []
    assert 'class="empty"' in response.content.decode()


def test_the_second_request_is_answered_from_the_cache(client, programme):
    first = client.get(WIDGET + "?kind=club&limit=3")
    with CaptureQueriesContext(connection) as queries:
        second = client.get(WIDGET + "?kind=club&limit=3")
    assert len(queries) == 0
    assert second.content == first.content
    with CaptureQueriesContext(connection) as queries:
        client.get(WIDGET + "?kind=club&limit=4")  # another limit is another entry
    assert len(queries) > 0


# Frames and cookies, with production's security settings (tests/portal/test_security_headers.py).


def test_any_site_may_frame_the_widget(client, programme, production_like):  # noqa: F811
    for response in (
        client.get(WIDGET, secure=True),
        client.get(WIDGET, secure=True),
    ):  # rendered, then cached
        assert response.status_code == 200
        policy = response["Content-Security-Policy"]
        assert "frame-ancestors *" in policy
        assert "frame-ancestors 'self'" not in policy
        assert "default-src 'self'" in policy and "script-src 'self'" in policy  # the rest stays strict
        assert "X-Frame-Options" not in response
    response = client.get(WIDGET + "?limit=99", secure=True)  # the webmaster sees why in the frame
    assert response.status_code == 400
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response
    response = client.get("/nhung/KHONG-CO/", secure=True)
    assert response.status_code == 404
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "X-Frame-Options" not in response


def test_every_other_page_may_be_framed_only_by_the_site_itself(client, programme, production_like):  # noqa: F811
    pages = [
        "/",
        "/lich-hoat-dong/",
        "/lich-hoat-dong/?kind=club",
        programme["can_loc"].url,
        "/admin/login/",
        "/ket-qua/",
        "/du-lieu-mo/",
        "/du-lieu-mo/chi-so.csv",
        "/du-lieu-mo/catalog.jsonld",
        "/mo-hinh-tot/",
    ]
    for address in pages:
        for response in (client.get(address, secure=True), client.get(address, secure=True)):
            assert response.status_code == 200, address
            assert "frame-ancestors 'self'" in response["Content-Security-Policy"], address
            assert "frame-ancestors *" not in response["Content-Security-Policy"], address
            assert response["X-Frame-Options"] == "SAMEORIGIN", address


def test_sets_no_cookie_rendered_or_cached(client, programme, production_like):  # noqa: F811
    for address in (WIDGET, WIDGET + "?kind=club&limit=2", "/en" + WIDGET):
        rendered = client.get(address, secure=True)
        cached = client.get(address, secure=True)
        for response in (rendered, cached):
            assert response.status_code == 200
            assert not response.cookies
            assert "Set-Cookie" not in response
            assert "Cookie" not in response.get("Vary", "")  # the session was not even read
    assert not client.cookies


def test_sets_no_cookie_for_a_visitor_with_a_session(client, programme, superuser, production_like):  # noqa: F811
    client.force_login(superuser)
    cookies_before = {name: morsel.value for name, morsel in client.cookies.items()}
    for address in (WIDGET, WIDGET + "?limit=abc", "/nhung/KHONG-CO/"):
        response = client.get(address, secure=True)
        assert not response.cookies, address
    assert {name: morsel.value for name, morsel in client.cookies.items()} == cookies_before


def test_a_stale_session_cookie_is_left_alone(client, programme, production_like):  # noqa: F811
    client.cookies["__Host-sessionid"] = "no-such-session-0123456789"
    response = client.get(WIDGET, secure=True)
    assert response.status_code == 200
    assert not response.cookies


# The snippet.


def test_the_institution_page_shows_the_snippet(client, programme):
    response = client.get(programme["can_loc"].url)
    content = response.content.decode()
    details = re.search(r'<details class="embed">.*?</details>', content, re.S).group(0)
    assert "<summary>" in details
    snippet = html.unescape(re.search(r"<pre><code>(.*?)</code></pre>", details, re.S).group(1))
    # The title is "Lịch hoạt động của …" once translated (locale/ is written after the code).
    assert re.fullmatch(
        r'<iframe src="http://testserver/nhung/TV-CL/" title="[^"<>]*Thư viện huyện Can Lộc" '
        r'height="400" style="width:100%;border:0" loading="lazy"></iframe>',
        snippet,
    )
    assert "<iframe" not in details  # shown as text, never as a frame


def test_the_english_institution_page_gives_the_english_widget(client, programme):
    content = client.get("/en" + programme["can_loc"].url).content.decode()
    assert "http://testserver/en/nhung/TV-CL/" in html.unescape(content)


def test_the_snippet_escapes_what_it_quotes(programme):
    from events.widget import widget_snippet

    programme["can_loc"].title = 'Thư viện "Đọc" <b>'
    snippet = widget_snippet(programme["can_loc"])
    assert 'title="' in snippet and "&quot;Đọc&quot; &lt;b&gt;" in snippet
    assert '"Đọc"' not in snippet
    programme["can_loc"].title = "Nhà văn hóa 'Sen'"
    assert "Nhà văn hóa 'Sen'\"" in widget_snippet(programme["can_loc"])  # readable where it is safe


def test_the_admin_edit_form_shows_the_snippet_on_the_public_address(admin_client, programme, settings):
    settings.WAGTAILADMIN_BASE_URL = "https://hoctap.hatinh.gov.vn"
    translation.activate("en")  # the editor's admin in English: the snippet stays in the site's language
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[programme["can_loc"].pk]))
    assert response.status_code == 200
    content = html.unescape(response.content.decode())
    assert '<iframe src="https://hoctap.hatinh.gov.vn/nhung/TV-CL/"' in content


def test_the_admin_add_form_says_the_snippet_comes_after_saving(admin_client, programme, directory):
    response = admin_client.get(
        reverse("wagtailadmin_pages:add", args=["institutions", "institutionpage", directory.pk])
    )
    assert response.status_code == 200
    assert "<iframe src=" not in html.unescape(response.content.decode())
