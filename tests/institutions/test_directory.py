import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine

from institutions.models import AdministrativeUnit

from .factories import ClosureFactory, InstitutionPageFactory, OpeningHoursFactory

pytestmark = pytest.mark.django_db
WEDNESDAY_9AM = dt.datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def unit(code):
    return AdministrativeUnit.objects.for_code(code)


@pytest.fixture
def institutions():
    """A small directory: Can Lộc's libraries and culture centre, a museum elsewhere."""
    return {
        "district_library": InstitutionPageFactory(
            title="Thư viện huyện Can Lộc", code="TV-CL", unit=unit("443"), address="Thị trấn Nghèn"
        ),
        "commune_library": InstitutionPageFactory(
            title="Thư viện xã Thiên Lộc",
            code="TV-TL",
            level="commune",
            unit=AdministrativeUnit.objects.get(code="18433", valid_to__isnull=False),
        ),
        "culture": InstitutionPageFactory(
            title="Trung tâm Văn hóa huyện Can Lộc", code="VH-CL", kind="cultural_centre", unit=unit("443")
        ),
        "museum": InstitutionPageFactory(
            title="Khu lưu niệm Nguyễn Du",
            code="BT-ND",
            kind="museum",
            level="province",
            unit=unit("18373"),
        ),
        "army": InstitutionPageFactory(
            title="Thư viện Bộ Chỉ huy Quân sự tỉnh",
            code="TV-QS",
            level="province",
            sector="armed_forces",
            unit=unit("18100"),
        ),
    }


def titles(response):
    return [page.title for page in response.context["page_obj"].object_list]


def test_directory_lists_live_institutions(client, directory, institutions):
    institutions["army"].unpublish()
    response = client.get(directory.url)
    assert response.status_code == 200
    assert "Thư viện Bộ Chỉ huy Quân sự tỉnh" not in titles(response)
    assert len(titles(response)) == 4


def test_filter_by_text_matches_words_of_name_or_address(client, directory, institutions):
    assert titles(client.get(directory.url, {"q": "can lộc"})) == [
        "Thư viện huyện Can Lộc",
        "Trung tâm Văn hóa huyện Can Lộc",
    ]
    assert titles(client.get(directory.url, {"q": "Nghèn"})) == ["Thư viện huyện Can Lộc"]


def test_filter_by_kind_accepts_repeated_values(client, directory, institutions):
    assert set(titles(client.get(directory.url, {"kind": "museum"}))) == {"Khu lưu niệm Nguyễn Du"}
    both = titles(client.get(f"{directory.url}?kind=museum&kind=cultural_centre"))
    assert set(both) == {"Khu lưu niệm Nguyễn Du", "Trung tâm Văn hóa huyện Can Lộc"}


def test_filter_by_level(client, directory, institutions):
    assert titles(client.get(directory.url, {"level": "commune"})) == ["Thư viện xã Thiên Lộc"]


def test_filter_by_sector(client, directory, institutions):
    assert titles(client.get(directory.url, {"sector": "armed_forces"})) == [
        "Thư viện Bộ Chỉ huy Quân sự tỉnh"
    ]


def test_filter_by_area_includes_units_below_it(client, directory, institutions):
    response = client.get(directory.url, {"area": "443", "kind": "library"})
    assert set(titles(response)) == {"Thư viện huyện Can Lộc", "Thư viện xã Thiên Lộc"}


def test_filter_by_province_area_includes_everything(client, directory, institutions):
    assert len(titles(client.get(directory.url, {"area": "42"}))) == 5


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "libary"},
        {"level": "x"},
        {"sector": "'"},
        {"area": "99999"},
        {"area": "443@bad"},
        {"q": "thư\x00viện"},
    ],
)
def test_bad_filter_values_are_explained_and_never_an_error(client, directory, institutions, params):
    response = client.get(directory.url, params)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert len(titles(response)) == 5  # the bad filter is ignored


@pytest.mark.parametrize("page", ["abc", "-1", "999", "1.5"])
def test_bad_page_numbers_still_show_a_page(client, directory, institutions, page):
    assert client.get(directory.url, {"page": page}).status_code == 200


def test_directory_paginates_and_keeps_the_filters(client, directory):
    for number in range(25):
        InstitutionPageFactory(title=f"Thư viện {number:02d}", code=f"P{number}")
    first = client.get(directory.url, {"kind": "library"})
    assert len(titles(first)) == 20
    content = first.content.decode()
    assert "?kind=library&amp;page=2" in content
    second = client.get(directory.url, {"kind": "library", "page": 2})
    assert len(titles(second)) == 5


def test_directory_queries_do_not_grow_with_the_number_of_institutions(
    client, directory, django_assert_max_num_queries
):
    def add(count, offset):
        for number in range(count):
            page = InstitutionPageFactory(code=f"Q{offset + number}")
            OpeningHoursFactory(page=page)
            ClosureFactory(page=page)

    add(3, 0)
    client.get(directory.url)  # warm Wagtail's site cache
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()  # measure rendering, not the public cache
    with CaptureQueriesContext(connection) as few:
        client.get(directory.url)
    add(15, 100)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(directory.url)


def test_directory_works_without_javascript(client, directory, institutions):
    content = client.get(directory.url).content.decode()
    assert '<form class="filters" method="get"' in content
    # Only the "Gần tôi" button's script, which adds to what the form does: every filter, "near" too,
    # is a plain GET field.
    scripts = re.findall(r"<script[^>]*>", content)
    assert len(scripts) == 1 and "near-me.js" in scripts[0] and "defer" in scripts[0]
    assert '<select name="near"' in content


def test_directory_in_vietnamese(client, directory, institutions):
    content = client.get(directory.url).content.decode()
    assert '<html lang="vi">' in content
    assert "Bộ lọc" in content
    assert "5 cơ sở" in content


def test_directory_in_english_under_en(client, directory, institutions):
    museum_url = institutions["museum"].url
    response = client.get(f"/en{directory.url}")
    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in content
    assert "5 institutions" in content
    # Links stay in English.
    assert f'href="/en{museum_url}"' in content


@time_machine.travel(WEDNESDAY_9AM, tick=False)
def test_institution_page_shows_contacts_hours_open_now_and_map(client, institutions):
    page = institutions["district_library"]
    page.phone = "0239 3855 111"
    page.latitude, page.longitude = "18.444", "105.768"
    page.save_revision().publish()
    OpeningHoursFactory(page=page, weekday=2, opens=dt.time(7, 30), closes=dt.time(11, 30))
    content = client.get(page.url).content.decode()
    assert "Đang mở cửa" in content
    assert "0239 3855 111" in content
    assert '<tr class="today" aria-current="date"><th scope="row">Thứ Tư</th><td>07:30–11:30</td>' in content
    assert "https://www.openstreetmap.org/?mlat=18.444000&amp;mlon=105.768000" in content
    assert 'id="coming-events"' in content
    assert "25/11/2026" in content


@time_machine.travel(WEDNESDAY_9AM, tick=False)
def test_institution_page_says_closed_on_a_monthly_closure_day(client, institutions):
    page = institutions["district_library"]
    OpeningHoursFactory(page=page, weekday=2)
    ClosureFactory(page=page, nth=-1, weekday=2)  # the last Wednesday: 25/11/2026
    content = client.get(page.url).content.decode()
    assert "Đang đóng cửa" in content
    assert "Đóng cửa Thứ Tư cuối cùng của mỗi tháng" in content


@time_machine.travel(WEDNESDAY_9AM, tick=False)
def test_institution_page_in_english(client, institutions):
    page = institutions["district_library"]
    OpeningHoursFactory(page=page, weekday=2)
    response = client.get(f"/en{page.url}")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Open now" in content
    assert "Wednesday" in content
    assert "Address and contacts" in content


def test_search_ignores_diacritics_and_case(client, directory, institutions):
    assert titles(client.get(directory.url, {"q": "THU VIEN CAN LOC"})) == ["Thư viện huyện Can Lộc"]
    assert titles(client.get(directory.url, {"q": "nguyễn du"})) == ["Khu lưu niệm Nguyễn Du"]
    assert titles(client.get(directory.url, {"q": "ĐỒNG"})) == []


def test_search_finds_an_institution_by_its_code(client, directory, institutions):
    assert titles(client.get(directory.url, {"q": "bt-nd"})) == ["Khu lưu niệm Nguyễn Du"]


def test_search_sees_a_renamed_institution_after_publishing(client, directory, institutions):
    page = institutions["museum"]
    page.title = "Khu di tích Đại thi hào Nguyễn Du"
    page.save_revision().publish()
    assert titles(client.get(directory.url, {"q": "dai thi hao"})) == ["Khu di tích Đại thi hào Nguyễn Du"]


def test_the_directory_filter_form_is_kept_for_each_address(client, directory, institutions):
    def museum_box(response):
        content = response.content.decode()
        start = content.index('value="museum"')
        return content[start : content.index(">", start)]

    assert "checked" in museum_box(client.get(directory.url, {"kind": "museum"}))
    assert "checked" not in museum_box(client.get(directory.url))
    assert "checked" in museum_box(client.get(directory.url, {"kind": "museum"}))


def test_directory_and_api_list_names_in_vietnamese_alphabetical_order(client, directory, institutions):
    InstitutionPageFactory(title="Đình làng Kim Đôi", code="DI-KD", kind="museum", unit=unit("18373"))
    InstitutionPageFactory(title="Bảo tàng tỉnh", code="BT-T", kind="museum", unit=unit("18373"))
    expected = [
        "Bảo tàng tỉnh",
        "Đình làng Kim Đôi",  # Đ after D and before E, not after Y
        "Khu lưu niệm Nguyễn Du",
        "Thư viện Bộ Chỉ huy Quân sự tỉnh",
        "Thư viện huyện Can Lộc",
        "Thư viện xã Thiên Lộc",
        "Trung tâm Văn hóa huyện Can Lộc",
    ]
    assert titles(client.get(directory.url)) == expected
    assert [row["name"] for row in client.get("/api/v1/institutions").json()["results"]] == expected


def test_area_choices_are_in_vietnamese_alphabetical_order_current_units_first(client, directory):
    import re

    content = client.get(directory.url).content.decode()
    area_select = re.search(r'<select name="area".*?</select>', content, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', area_select, re.S)
    assert [label for label, _options in groups] == ["Đơn vị hiện nay", "Trước 01/07/2025"]
    current = re.findall(r"<option[^>]*>([^<]+)</option>", groups[0][1])
    names = [name.split(" ", 1)[1] for name in current if name.startswith(("Xã ", "Phường "))]  # no type word
    assert names.index("Hà Huy Tập") < names.index("Hoành Sơn")
    assert names.index("Hương Đô") < names.index("Hương Xuân")
    from core.text import collation_key

    assert names == sorted(names, key=collation_key)
