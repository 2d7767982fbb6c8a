"""Links to pages known only by their `url_path` are the links Wagtail itself makes."""

import pytest
from wagtail.models import Page, Site

from core.links import PageLink, page_urls
from tests.events.test_listing import programme  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_a_page_link_is_absolute_when_the_page_is_on_another_site(programme, rf):  # noqa: F811
    club = programme["club"]
    other = Site.objects.create(hostname="bao-tang.example", root_page=programme["tien_dien"])
    request = rf.get("/", HTTP_HOST=other.hostname)
    assert Site.find_for_request(request) == other
    assert PageLink(club.url_path).get_url(request) == club.get_url(request)
    assert club.get_url(request).startswith("http://")


def pages_of(programme):  # noqa: F811
    """Events, institutions and the home page (the root of the site: its link is all beginning)."""
    home = Page.objects.get(depth=2)
    return [programme[name] for name in ("club", "paid", "can_loc", "tien_dien")] + [home]


def test_the_links_of_many_pages_at_once_are_the_links_wagtail_makes(programme, rf):  # noqa: F811
    pages = pages_of(programme)
    request = rf.get("/", HTTP_HOST="localhost")
    links = page_urls([page.url_path for page in pages], request)
    assert links == {page.url_path: page.get_url(request) for page in pages}
    assert links[programme["club"].url_path].startswith("/co-so/")
    assert page_urls([page.url_path for page in pages]) == {page.url_path: page.get_url() for page in pages}


def test_the_links_of_pages_on_two_sites_are_each_the_one_wagtail_makes(programme, rf):  # noqa: F811
    other = Site.objects.create(hostname="bao-tang.example", root_page=programme["tien_dien"])
    pages = pages_of(programme)
    for host in ("localhost", other.hostname):
        request = rf.get("/", HTTP_HOST=host)
        links = page_urls([page.url_path for page in pages], request)
        assert links == {page.url_path: page.get_url(request) for page in pages}
    # on the museum's site, the pages that are not under its root link with the main site's address
    assert {link.split("/")[0] for link in links.values()} == {"", "http:"}
