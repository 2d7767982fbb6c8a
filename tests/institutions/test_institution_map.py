"""The institution page's map: Leaflet, tiles from the configured server, a link without JavaScript."""

from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from portal.settings import security

from .factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


@pytest.fixture
def located():
    return InstitutionPageFactory(
        title="Thư viện tỉnh Hà Tĩnh", latitude=Decimal("18.342123"), longitude=Decimal("105.905456")
    )


def html(client, page):
    response = client.get(page.url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_a_page_with_coordinates_has_the_map_and_the_link(client, located):
    soup = html(client, located)
    (element,) = soup.select(".institution-map")
    # Hidden until the script draws it; the coordinates as numbers, not in the Vietnamese "18,342123".
    assert element.has_attr("hidden")
    assert (element["data-lat"], element["data-lon"]) == ("18.342123", "105.905456")
    assert element["data-tiles"] == OSM_TILES
    assert 'href="https://www.openstreetmap.org/copyright"' in element["data-attribution"]
    assert element["data-label"] == "Thư viện tỉnh Hà Tĩnh"
    assert "Thư viện tỉnh Hà Tĩnh" in element["aria-label"]
    assert element["data-icon"].endswith("vendor/leaflet/images/marker-icon.png")
    # Leaflet and the script, from this site, with no inline script or style.
    assert soup.select_one('link[rel=stylesheet][href$="vendor/leaflet/leaflet.css"]').parent.name == "head"
    scripts = [script["src"] for script in soup.select("script[src][defer]")]
    assert scripts == ["/static/vendor/leaflet/leaflet.js", "/static/js/institution-map.js"]
    assert not soup.select("[style]")
    # Without JavaScript, the link to the coordinates.
    link = soup.find("a", href=located.map_url)
    assert link is not None and "mlat=18.342123" in link["href"]


def test_the_tile_server_is_configurable(client, located, settings):
    settings.MAP_TILE_URL = "https://tiles.example.vn/osm/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© Example tiles"
    element = html(client, located).select_one(".institution-map")
    assert element["data-tiles"] == "https://tiles.example.vn/osm/{z}/{x}/{y}.png"
    assert element["data-attribution"] == "© Example tiles"


def test_no_tile_server_means_no_map_but_the_link(client, located, settings):
    settings.MAP_TILE_URL = ""
    soup = html(client, located)
    assert not soup.select(".institution-map")
    assert "leaflet" not in str(soup)
    assert soup.find("a", href=located.map_url) is not None


def test_a_page_without_coordinates_has_no_map_and_loads_no_leaflet(client):
    page = InstitutionPageFactory(title="Thư viện chưa có tọa độ")
    soup = html(client, page)
    assert not soup.select(".institution-map")
    assert "leaflet" not in str(soup).lower()
    assert "institution-map.js" not in str(soup)
    assert "openstreetmap.org/?mlat" not in str(soup)


def test_the_tile_servers_origin_is_allowed_for_images_only(client, located, settings):
    settings.MIDDLEWARE = security.MIDDLEWARE
    settings.CONTENT_SECURITY_POLICY = security.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY_ADMIN = security.CONTENT_SECURITY_POLICY_ADMIN
    policy = client.get(located.url)["Content-Security-Policy"]
    directives = dict(directive.strip().split(" ", 1) for directive in policy.split(";") if directive.strip())
    assert directives["img-src"].split() == ["'self'", "data:", "https://tile.openstreetmap.org"]
    assert "openstreetmap" not in policy.replace(directives["img-src"], "")
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        ("https://{s}.tile.example.vn:8443/{z}/{x}/{y}.png", "https://*.tile.example.vn:8443"),
        ("/static/tiles/{z}/{x}/{y}.png", ""),
        ("", ""),
    ],
)
def test_the_policy_names_the_tile_servers_origin(url, origin):
    assert security.tile_origin(url) == origin
