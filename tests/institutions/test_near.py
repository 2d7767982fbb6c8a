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
SON_BINH = "18193"  # a commune until 2025 that the centres' source does not have


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


def test_an_area_is_where_the_reference_puts_it_else_where_its_institutions_are(places, directory):
    can_loc = AdministrativeUnit.objects.for_code(CAN_LOC)
    assert (float(can_loc.latitude), float(can_loc.longitude)) == (18.451601, 105.711646)  # shipped
    son_binh = AdministrativeUnit.objects.get(code=SON_BINH)  # not in the source of the centres
    assert son_binh.latitude is None and son_binh.pk not in compute_centres()
    place(SON_BINH, 18.5, 105.3, parent=directory)
    place(SON_BINH, 18.6, 105.4, parent=directory)
    centres = compute_centres()
    assert centres[can_loc.pk] == (18.451601, 105.711646)
    assert centres[son_binh.pk] == pytest.approx((18.55, 105.35))  # its institutions' mean
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
    assert re.search(r"cách 0,\d km", html)  # Kỳ Anh's house, near the district's centre
    assert re.search(r"cách (4|5)\d,\d km", html)  # the city, about 50 km away
    # The options carry the areas' centres for the browser; the form sends only an area's code.
    assert re.search(rf'<option value="{KY_ANH}" data-lat="18.069114" data-lon="106.294614"', html)
    assert "near-me.js" in html and 'name="lat' not in html and 'name="lon' not in html


def test_an_area_without_a_place_on_the_map_says_so(client, places, directory):
    html = client.get(directory.url, {"near": SON_BINH}).content.decode()  # no centre, no institution
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
    assert cards[0].others == 5 and cards[0].distance < 2  # at the district's centre, nearly
    assert 70 < cards[1].distance < 90
    html = response.content.decode()
    assert "km" in html and "và 5 buổi khác" in html
