"""One search for everything: /tim-kiem/?q= finds coming sessions and institutions, accents ignored."""

import pytest

from tests.events.test_listing import programme  # noqa: F401

pytestmark = pytest.mark.django_db
SEARCH = "/tim-kiem/"


def test_typed_without_accents_it_finds_sessions_and_institutions_with_links(client, programme):  # noqa: F811  # noqa: F811
    response = client.get(SEARCH, {"q": "tho nguoi cao tuoi"})
    assert response.status_code == 200
    assert response.context["session_count"] == 4  # the club's four coming sessions
    assert [s.event.title for s in response.context["sessions"]] == ["CLB thơ người cao tuổi"] * 4
    assert response.context["institution_count"] == 0
    content = response.content.decode()
    assert "4 buổi sắp tới" in content
    assert 'href="/lich-hoat-dong/?q=tho+nguoi+cao+tuoi"' in content

    response = client.get(SEARCH, {"q": "thu vien"})
    assert [i.title for i in response.context["institutions"]] == ["Thư viện huyện Can Lộc"]
    assert 'href="/co-so/?q=thu+vien"' in response.content.decode()


def test_the_full_list_link_gives_the_same_sessions(client, programme):  # noqa: F811
    found = client.get(SEARCH, {"q": "thu phap"})
    listing = client.get("/lich-hoat-dong/", {"q": "thu phap"})
    listed = [s.pk for day in listing.context["days"].values() for s in day]
    assert [s.pk for s in found.context["sessions"]] == listed and found.context["session_count"] == 1


@pytest.mark.parametrize(("query", "says"), [("", "Nhập điều bạn muốn tìm"), ("a", "Nhập ít nhất 2 chữ")])
def test_an_empty_or_too_short_query_says_so(client, db, query, says):
    response = client.get(SEARCH, {"q": query})
    assert response.status_code == 200
    assert says in response.content.decode()
    assert "sessions" not in response.context


def test_the_home_page_searches_everything_and_english_has_its_own_address(client, programme):  # noqa: F811
    assert 'action="/tim-kiem/"' in client.get("/").content.decode()
    response = client.get("/en/tim-kiem/", {"q": "Can Loc"})
    assert response.status_code == 200
    assert "1 institution" in response.content.decode()
