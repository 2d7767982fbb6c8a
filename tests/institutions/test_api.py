import pytest
from django.urls import reverse

from institutions.models import AdministrativeUnit

from .factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db
URL = reverse("institutions:api-list")


@pytest.fixture
def libraries():
    return [
        InstitutionPageFactory(
            title=f"Thư viện {number:02d}", code=f"TV-{number:02d}", latitude="18.4", longitude="105.7"
        )
        for number in range(7)
    ]


def test_results_carry_the_directory_fields_and_an_absolute_url(client, libraries):
    data = client.get(URL).json()
    assert data["count"] == 7
    assert data["next"] is None and data["previous"] is None
    first = data["results"][0]
    assert {
        "code",
        "name",
        "kind",
        "level",
        "sector",
        "unit_code",
        "unit_name",
        "address",
        "latitude",
        "longitude",
        "url",
    } <= set(first)
    assert first["code"] == "TV-00"
    assert first["name"] == "Thư viện 00"
    assert first["unit_code"] == "443"
    assert first["unit_name"].startswith("Huyện Can Lộc")
    assert first["latitude"] == 18.4
    assert first["url"] == f"http://testserver{libraries[0].url}"


def test_pages_link_to_each_other(client, libraries):
    data = client.get(URL, {"page_size": 3, "kind": "library"}).json()
    assert len(data["results"]) == 3
    assert data["previous"] is None
    assert data["next"].startswith("http://testserver/api/v1/institutions?")
    assert "page=2" in data["next"] and "kind=library" in data["next"]
    last = client.get(URL, {"page_size": 3, "page": 3}).json()
    assert [r["code"] for r in last["results"]] == ["TV-06"]
    assert last["next"] is None
    assert "page=2" in last["previous"]


def test_default_page_size_is_fifty(client, libraries):
    InstitutionPageFactory.create_batch(50)
    data = client.get(URL).json()
    assert data["count"] == 57
    assert len(data["results"]) == 50


def test_filters_are_the_directory_filters(client, libraries):
    InstitutionPageFactory(
        code="BT-ND", kind="museum", unit=AdministrativeUnit.objects.for_code("18373"), title="Bảo tàng"
    )
    assert [r["code"] for r in client.get(URL, {"kind": "museum"}).json()["results"]] == ["BT-ND"]
    assert client.get(URL, {"area": "443"}).json()["count"] == 7
    assert client.get(URL, {"area": "18373"}).json()["count"] == 1
    assert client.get(URL, {"q": "bảo tàng"}).json()["count"] == 1


@pytest.mark.parametrize(
    "params, field",
    [
        ({"page_size": "201"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"page": "99"}, "page"),
        ({"kind": "libary"}, "kind"),
        ({"area": "00000"}, "area"),
        ({"level": "county"}, "level"),
        ({"q": "thư\x00viện"}, "q"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_bad_parameters_get_400_with_a_message(client, libraries, params, field):
    response = client.get(URL, params)
    assert response.status_code == 400
    assert response.json()["errors"][field]


def test_unknown_parameters_are_ignored(client, libraries):
    response = client.get(URL, {"colour": "green"})
    assert response.status_code == 200
    assert response.json()["count"] == 7


def test_page_size_two_hundred_is_allowed(client, libraries):
    assert client.get(URL, {"page_size": 200}).status_code == 200


def test_an_empty_directory_is_an_empty_list(client, db):
    assert client.get(URL).json() == {"count": 0, "next": None, "previous": None, "results": []}


def test_unpublished_institutions_are_not_listed(client, libraries):
    libraries[0].unpublish()
    assert client.get(URL).json()["count"] == 6


def test_only_get_is_allowed(client, db):
    assert client.post(URL).status_code == 405
