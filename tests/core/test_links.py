"""Links to pages known only by their `url_path` are the links Wagtail itself makes."""

import pytest
from wagtail.models import Site

from core.links import PageLink
from tests.events.test_listing import programme  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_a_page_link_is_absolute_when_the_page_is_on_another_site(programme, rf):  # noqa: F811
    club = programme["club"]
    other = Site.objects.create(hostname="bao-tang.example", root_page=programme["tien_dien"])
    request = rf.get("/", HTTP_HOST=other.hostname)
    assert Site.find_for_request(request) == other
    assert PageLink(club.url_path).get_url(request) == club.get_url(request)
    assert club.get_url(request).startswith("http://")
