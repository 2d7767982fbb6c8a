"""'Gần tôi': the directory and the listing ordered by distance from an area (institutions.geography)."""

import re
from decimal import Decimal

import pytest

from institutions.geography import compute_centres, distance_km
from institutions.models import AdministrativeUnit
from tests.events.conftest import publish
from tests.events.factories import EventPageFactory
from tests.institutions.factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db
CAN_LOC, CITY, KY_ANH = "443", "436", "449"


def place(code: str, latitude, longitude, **fields):
    return InstitutionPageFactory(
        unit=AdministrativeUnit.objects.for_code(code),
        latitude=None if latitude is None else Decimal(str(latitude)),
        longitude=None if longitude is None else Decimal(str(longitude)),
        **fields,
    )


@pytest.fixture
def places(directory):
    return {
        "can_loc": place(CAN_LOC, 18.45, 105.72, title="Thư viện Can Lộc", parent=directory),
        "city": place(CITY, 18.34, 105.90, title="Thư viện tỉnh", parent=directory),
        "ky_anh": place(KY_ANH, 18.07, 106.29, title="Nhà văn hóa Kỳ Anh", parent=directory),
        "unplaced": place(CITY, None, None, title="Nhà văn hóa chưa có tọa độ", parent=directory),
    }


def titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)


def test_an_area_centre_is_where_its_institutions_are(places):
    centres = compute_centres()
    assert centres[AdministrativeUnit.objects.for_code(CAN_LOC).pk] == (18.45, 105.72)
    province = AdministrativeUnit.objects.for_code("42")
    assert centres[province.pk] == pytest.approx(
        ((18.45 + 18.34 + 18.07) / 3, (105.72 + 105.90 + 106.29) / 3)
    )
    # Hà Tĩnh city to Kỳ Anh: about 51 km as the crow flies.
    assert 48 < distance_km((18.34, 105.90), 18.07, 106.29) < 54


def test_the_directory_nearest_first_with_distances(client, places, directory):
    response = client.get(directory.url, {"near": KY_ANH})
    html = response.content.decode()
    assert titles(html) == [
        "Nhà văn hóa Kỳ Anh",
        "Thư viện tỉnh",
        "Thư viện Can Lộc",
        "Nhà văn hóa chưa có tọa độ",
    ]
    assert "0,0 km" in html or "0.0 km" in html
    assert re.search(r"4\d,\d km|5\d,\d km", html)  # the city, about 50 km away
    # The options carry the areas' centres for the browser; the form sends only an area's code.
    assert re.search(rf'<option value="{KY_ANH}" data-lat="18.07" data-lon="106.29"', html)
    assert "near-me.js" in html and 'name="lat' not in html and 'name="lon' not in html


def test_an_area_without_a_place_on_the_map_says_so(client, places, directory):
    html = client.get(directory.url, {"near": "18073"}).content.decode()  # no institution there
    assert "có vị trí trên bản đồ: hãy chọn một địa bàn lân cận" in html
    assert len(titles(html)) == 4  # the directory as usual


def test_the_api_orders_by_distance_too(client, places):
    results = client.get("/api/v1/institutions", {"near": CAN_LOC}).json()["results"]
    assert [row["name"] for row in results][:3] == ["Thư viện Can Lộc", "Thư viện tỉnh", "Nhà văn hóa Kỳ Anh"]


def test_the_listing_nearest_first_each_event_once(client, places, frozen_now):
    far = publish(EventPageFactory(parent=places["ky_anh"], title="CLB thơ Kỳ Anh"))
    near = publish(
        EventPageFactory(parent=places["can_loc"], title="Lớp tin học Can Lộc", rrule="FREQ=WEEKLY;COUNT=6")
    )
    response = client.get("/lich-hoat-dong/", {"near": CAN_LOC})
    cards = response.context["nearest"]
    assert [card.event.title for card in cards] == [near.title, far.title]
    assert cards[0].others == 5 and cards[0].distance == pytest.approx(0, abs=0.01)
    assert 70 < cards[1].distance < 90
    html = response.content.decode()
    assert "km" in html and "và 5 buổi khác" in html
