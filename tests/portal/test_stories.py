"""Good models (SPEC §12): story pages with their institutions' figures, the list with its filters, the
commendations, the home page's latest stories, and stories written by an institution's editors going
through the province's review."""

from __future__ import annotations

import datetime as dt

import pytest
import wagtail_factories
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext
from wagtail.models import WorkflowState
from wagtail.rich_text import RichText
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from events.models import Attendance, Campaign
from institutions.models import AdministrativeUnit, Commendation, VisitCount
from institutions.roles import editors_group, province_group
from portal import yearly_report
from portal.models import StoryIndexPage, StoryInstitution, StoryPage
from tests.events.conftest import publish
from tests.events.factories import HANOI, EventPageFactory
from tests.institutions.factories import CommendationFactory, InstitutionPageFactory

from .factories import StoryPageFactory

pytestmark = pytest.mark.django_db
INDEX = "/mo-hinh-tot/"


@pytest.fixture
def good_models(frozen_now):
    """Library A in Can Lộc (443) with a club held in 2025, culture house C in Can Lộc with nothing
    recorded, museum B in Tiên Điền (18373). A story under A (2026) linking C and a campaign, a story
    under B (2025), a draft under A."""
    can_loc = AdministrativeUnit.objects.for_code("443")
    a = InstitutionPageFactory(code="A", title="Thư viện A", kind="library", unit=can_loc)
    b = InstitutionPageFactory(
        code="B", title="Bảo tàng B", kind="museum", unit=AdministrativeUnit.objects.for_code("18373")
    )
    c = InstitutionPageFactory(code="C", title="Nhà văn hóa C", kind="cultural_centre", unit=can_loc)
    club = publish(
        EventPageFactory(
            parent=a,
            title="Câu lạc bộ đọc sách",
            kind="club",
            start=dt.datetime(2025, 3, 5, 19, 0, tzinfo=HANOI),
            rrule="FREQ=WEEKLY;COUNT=4",
        )
    )
    for session in club.sessions.order_by("start")[:3]:
        Attendance.objects.create(session=session, attendees=20)
    VisitCount.objects.create(institution=a, date=dt.date(2025, 3, 2), purpose="learning", visits=300)
    VisitCount.objects.create(institution=a, date=dt.date(2025, 3, 3), purpose="other", visits=99)
    campaign, _created = Campaign.objects.get_or_create(
        slug="ngay-sach-thu-2026",
        defaults={
            "name": "Ngày Sách thử 2026",
            "starts_on": dt.date(2026, 4, 1),
            "ends_on": dt.date(2026, 4, 30),
        },
    )
    image = wagtail_factories.ImageFactory(title="IMG_2041.jpg")
    reading = StoryPageFactory(
        parent=a,
        title="Câu lạc bộ đọc sách thiếu nhi",
        date=dt.date(2026, 10, 1),
        body=[
            ("paragraph", RichText("<p>Mỗi sáng thứ Bảy các em đọc sách cùng nhau.</p>")),
            (
                "image",
                {"image": image, "alt": "Các em nhỏ đọc sách quanh bàn dài", "caption": "Buổi đọc sách"},
            ),
            ("quote", {"text": "Các cháu đọc nhiều hơn xem điện thoại.", "attribution": "Một phụ huynh"}),
            ("figures", {"figures": [{"label": "Thành viên", "value": "45"}]}),
        ],
    )
    StoryInstitution.objects.create(page=reading, institution=c)
    reading.campaigns.add(campaign)
    reading.save()
    heritage = StoryPageFactory(parent=b, title="Giáo dục di sản cho học sinh", date=dt.date(2025, 5, 1))
    draft = StoryPageFactory(parent=a, title="Bản nháp chưa duyệt", date=dt.date(2026, 11, 1), live=False)
    return {"a": a, "b": b, "c": c, "reading": reading, "heritage": heritage, "draft": draft}


def titles(response) -> list[str]:
    return [story.title for story in response.context["page_obj"].object_list]


# --- The story page -------------------------------------------------------------------------------


def test_a_story_shows_its_blocks_and_the_photo_s_words(client, good_models):
    content = client.get(good_models["reading"].url).content.decode()
    assert "Mỗi sáng thứ Bảy các em đọc sách cùng nhau." in content
    assert 'alt="Các em nhỏ đọc sách quanh bàn dài"' in content
    assert "<figcaption>Buổi đọc sách</figcaption>" in content
    assert "Các cháu đọc nhiều hơn xem điện thoại." in content and "— Một phụ huynh" in content
    assert "<dt>Thành viên</dt><dd>45</dd>" in content
    assert "IMG_2041" not in content
    assert "01/10/2026" in content  # dd/mm/yyyy


def test_a_story_shows_its_institutions_with_the_yearly_report_s_figures(client, good_models):
    response = client.get(good_models["reading"].url)
    assert response.context["figures_year"] == 2025  # the last complete year
    linked = {institution.code: figures for institution, figures in response.context["linked"]}
    assert list(linked) == ["A", "C"]  # its own institution first, then the linked one
    (line,) = [line for line in yearly_report.build(2025).institutions if line.pk == good_models["a"].pk]
    a = linked["A"]
    assert (a.sessions, a.attendance, a.learning_visits) == (
        line.sessions,
        line.attendance,
        line.learning_visits,
    )
    assert (a.sessions, a.attendance, a.learning_visits) == (4, 60, 300)
    c = linked["C"]
    assert (c.sessions, c.attendance, c.learning_visits) == (None, None, None)  # "no data", never 0
    content = response.content.decode()
    with_translation = gettext("no data")
    assert content.count(f"<dd>{with_translation}</dd>") == 3
    assert "Nhà văn hóa C" in content and "Ngày Sách thử 2026" in content


def test_figures_of_an_institution_without_records_are_no_data():
    institution = InstitutionPageFactory()
    figures = yearly_report.figures_of(2025, type(institution).objects.filter(pk=institution.pk))
    assert figures[institution.pk].sessions is None
    assert figures[institution.pk].attendance is None
    assert figures[institution.pk].learning_visits is None


def test_a_photo_without_its_words_is_refused(good_models):
    story = good_models["heritage"]
    story.image = wagtail_factories.ImageFactory()
    story.image_alt = ""
    with pytest.raises(ValidationError):
        story.full_clean()


def test_an_image_block_needs_its_words():
    from portal.blocks import StoryImageBlock

    block = StoryImageBlock()
    image = wagtail_factories.ImageFactory()
    with pytest.raises(ValidationError):
        block.clean(block.to_python({"image": image.pk, "alt": "", "caption": ""}))


# --- The list of good models ----------------------------------------------------------------------


def test_the_list_shows_live_stories_newest_first(client, good_models):
    response = client.get(INDEX)
    assert response.status_code == 200
    assert titles(response) == ["Câu lạc bộ đọc sách thiếu nhi", "Giáo dục di sản cho học sinh"]
    assert "Bản nháp chưa duyệt" not in response.content.decode()


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"kind": "museum"}, ["Giáo dục di sản cho học sinh"]),
        ({"kind": "cultural_centre"}, ["Câu lạc bộ đọc sách thiếu nhi"]),  # through the linked house C
        ({"kind": ["museum", "library"]}, ["Câu lạc bộ đọc sách thiếu nhi", "Giáo dục di sản cho học sinh"]),
        ({"area": "443"}, ["Câu lạc bộ đọc sách thiếu nhi"]),
        ({"area": "18373"}, ["Giáo dục di sản cho học sinh"]),
        ({"area": "42"}, ["Câu lạc bộ đọc sách thiếu nhi", "Giáo dục di sản cho học sinh"]),  # the province
        ({"year": "2025"}, ["Giáo dục di sản cho học sinh"]),
        ({"year": "2026", "kind": "museum"}, []),
    ],
)
def test_the_list_filters_by_kind_area_and_year(client, good_models, query, expected):
    assert titles(client.get(INDEX, query)) == expected


@pytest.mark.parametrize(
    "query",
    [{"kind": "rocket"}, {"area": "999999"}, {"year": "abc"}, {"year": "1900"}, {"page": "x"}, {"area": "'"}],
)
def test_bad_filter_values_are_answered_with_a_message_not_an_error(client, good_models, query):
    response = client.get(INDEX, query)
    assert response.status_code == 200
    if "page" not in query:
        assert 'role="alert"' in response.content.decode()


def test_the_list_is_paginated(client, good_models):
    for number in range(StoryIndexPage.page_size + 1):
        StoryPageFactory(parent=good_models["b"], date=dt.date(2024, 1, 1), title=f"Mô hình cũ {number}")
    first = client.get(INDEX)
    assert len(first.context["page_obj"].object_list) == StoryIndexPage.page_size
    second = client.get(INDEX, {"page": 2})
    assert len(second.context["page_obj"].object_list) == 3


def test_a_fresh_site_has_the_list_in_its_navigation(client):
    index = StoryIndexPage.objects.live().get()
    assert index.url == INDEX
    assert f'href="{INDEX}"' in client.get("/co-so/").content.decode().split("</header>")[0]


# --- Commendations --------------------------------------------------------------------------------


def test_a_commendation_goes_to_an_institution_or_to_a_person_with_consent(good_models):
    base = {"year": 2025, "title": "Bằng khen", "decision_number": "123/QĐ-UBND"}
    Commendation(**base, institution=good_models["a"]).full_clean()
    Commendation(
        **base, person_name="Nguyễn Thị Hoa", consent_recorded=True, consent_date=dt.date(2025, 6, 1)
    ).full_clean()
    refused = [
        {},  # neither
        {"institution": good_models["a"], "person_name": "Nguyễn Thị Hoa"},  # both
        {"person_name": "Nguyễn Thị Hoa"},  # no consent
        {"person_name": "Nguyễn Thị Hoa", "consent_recorded": True},  # no consent date
        {"person_name": "   "},  # a blank name is no name
        {"institution": good_models["a"], "consent_date": dt.date(2025, 6, 1)},  # a date without the tick
    ]
    for fields in refused:
        with pytest.raises(ValidationError):
            Commendation(**base, **fields).full_clean()


def test_commendations_are_listed_on_the_list_and_on_the_institution_s_page(client, good_models):
    CommendationFactory(
        institution=good_models["a"], title="Bằng khen của UBND tỉnh", decision_number="123/QĐ-UBND"
    )
    CommendationFactory(
        institution=None,
        person_name="Nguyễn Thị Hoa",
        consent_recorded=True,
        consent_date=dt.date(2025, 6, 1),
    )
    # Written to the database past the form's rule: still never shown.
    CommendationFactory(institution=None, person_name="Trần Văn Bí Mật", consent_recorded=False)
    listing = client.get(INDEX).content.decode()
    assert "Bằng khen của UBND tỉnh" in listing and "123/QĐ-UBND" in listing
    assert "Nguyễn Thị Hoa" in listing
    assert "Trần Văn Bí Mật" not in listing
    page = client.get(good_models["a"].url).content.decode()
    assert "Bằng khen của UBND tỉnh" in page
    assert "Nguyễn Thị Hoa" not in client.get(good_models["b"].url).content.decode()


def test_the_list_shows_the_commendations_of_the_chosen_year(client, good_models):
    CommendationFactory(institution=good_models["a"], year=2024, title="Giấy khen năm 2024")
    CommendationFactory(institution=good_models["a"], year=2025, title="Giấy khen năm 2025")
    content = client.get(INDEX, {"year": "2025"}).content.decode()
    assert "Giấy khen năm 2025" in content and "Giấy khen năm 2024" not in content


def test_a_change_of_a_commendation_shows_on_the_cached_list(client, good_models):
    commendation = CommendationFactory(institution=good_models["a"], title="Giấy khen cũ")
    assert "Giấy khen cũ" in client.get(INDEX).content.decode()
    commendation.title = "Bằng khen mới"
    commendation.save()
    assert "Bằng khen mới" in client.get(INDEX).content.decode()


def test_provincial_staff_may_edit_commendations_and_editors_may_not(client, good_models):
    editor = get_user_model().objects.create_user("editor_a", password="x")
    editor.groups.add(editors_group(good_models["a"]))
    staff = get_user_model().objects.create_user("province", password="x")
    staff.groups.add(province_group())
    url = reverse("wagtailsnippets_institutions_commendation:add")
    client.force_login(editor)
    assert client.get(url).status_code in {302, 403}
    client.force_login(staff)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"year": "2025", "title": "Bằng khen", "decision_number": "9/QĐ-UBND", "person_name": "Lê Văn An"},
    )
    assert response.status_code == 200  # the form again, with the consent rule's message
    assert not Commendation.objects.exists()


# --- The home page --------------------------------------------------------------------------------


def test_the_home_page_shows_the_latest_three_stories(client, good_models):
    for number in range(3):
        StoryPageFactory(
            parent=good_models["b"], date=dt.date(2026, 11, 10 + number), title=f"Mô hình mới {number}"
        )
    content = client.get("/").content.decode()
    for number in range(3):
        assert f"Mô hình mới {number}" in content
    assert "Câu lạc bộ đọc sách thiếu nhi" not in content  # the fourth newest
    assert "12/11/2026</time> · Bảo tàng B" in content  # each card says whose story it is
    assert "Một câu lạc bộ đọc sách mà các nơi khác có thể học theo." in content
    assert f'href="{INDEX}"' in content


# --- Editors write, the province reviews -----------------------------------------------------------


def story_form_data(**overrides) -> dict:
    data = nested_form_data(
        {
            "title": "Câu lạc bộ tiếng Anh",
            "slug": "cau-lac-bo-tieng-anh",
            "date": "2026-11-20",
            "intro": "Học tiếng Anh miễn phí mỗi tối thứ Tư.",
            "image": "",
            "image_alt": "",
            "body": streamfield([("paragraph", rich_text("<p>Các em học cùng tình nguyện viên.</p>"))]),
            "linked_institutions": inline_formset([]),
            **overrides,
        }
    )
    data["action-submit"] = "1"
    return data


def test_an_editor_writes_a_story_for_their_institution_and_the_province_reviews_it(client, good_models):
    a, b = good_models["a"], good_models["b"]
    editor = get_user_model().objects.create_user("editor_a", password="x")
    editor.groups.add(editors_group(a))
    client.force_login(editor)
    assert (
        client.get(reverse("wagtailadmin_pages:add", args=["portal", "storypage", b.pk])).status_code != 200
    )
    url = reverse("wagtailadmin_pages:add", args=["portal", "storypage", a.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, story_form_data(linked_institutions=inline_formset([{"institution": b.pk}])))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    story = StoryPage.objects.get(slug="cau-lac-bo-tieng-anh")
    assert not story.live
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(story.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Duyệt nội dung cơ sở"
    client.logout()
    assert client.get("/co-so/" + a.slug + "/cau-lac-bo-tieng-anh/").status_code == 404
    assert "Câu lạc bộ tiếng Anh" not in client.get(INDEX).content.decode()

    moderator = get_user_model().objects.create_user("province", password="x")
    moderator.groups.add(province_group())
    client.force_login(moderator)
    approve = reverse(
        "wagtailadmin_pages:workflow_action", args=[story.pk, "approve", state.current_task_state.pk]
    )
    assert client.post(approve, {"comment": "Đồng ý"}).status_code in (200, 302)
    client.logout()
    story.refresh_from_db()
    assert story.live
    assert "Câu lạc bộ tiếng Anh" in client.get(INDEX).content.decode()
    assert titles(client.get(INDEX, {"kind": "museum"})) == [
        "Câu lạc bộ tiếng Anh",
        "Giáo dục di sản cho học sinh",
    ]


def test_an_editor_cannot_write_under_another_institution(client, good_models):
    editor = get_user_model().objects.create_user("editor_a", password="x")
    editor.groups.add(editors_group(good_models["a"]))
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:add", args=["portal", "storypage", good_models["b"].pk])
    client.post(url, story_form_data())
    assert not StoryPage.objects.filter(slug="cau-lac-bo-tieng-anh").exists()


def test_an_editor_previews_a_new_story_and_a_change(client, good_models):
    a = good_models["a"]
    editor = get_user_model().objects.create_user("editor_a", password="x")
    editor.groups.add(editors_group(a))
    client.force_login(editor)
    data = story_form_data(linked_institutions=inline_formset([{"institution": good_models["c"].pk}]))
    url = reverse("wagtailadmin_pages:preview_on_add", args=["portal", "storypage", a.pk])
    assert client.post(url, data).json()["is_valid"]
    preview = client.get(url)
    assert preview.status_code == 200
    content = preview.content.decode()
    assert "Thư viện A" in content and "Nhà văn hóa C" in content
    story = good_models["reading"]
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[story.pk])
    assert client.post(url, story_form_data(title="Tên mới", slug=story.slug)).json()["is_valid"]
    content = client.get(url).content.decode()
    assert "Tên mới" in content and "Thư viện A" in content
