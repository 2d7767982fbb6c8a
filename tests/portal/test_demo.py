import re

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.test import Client

from events import tallies as session_tallies
from events.models import SessionTally
from institutions import tallies as visit_tallies
from institutions.models import InstitutionPage, ServiceRecord, VisitTally

pytestmark = pytest.mark.django_db

# SPEC §3's indicator groups, as filters on kind, level and sector.
GROUPS = {
    "library_district_public": Q(kind="library", level="district", sector="public"),
    "library_commune_public": Q(kind="library", level="commune", sector="public"),
    "library_armed_forces": Q(kind="library", sector="armed_forces"),
    "library_education": Q(kind="library", sector="education"),
    "culture_district": Q(kind="cultural_centre", level="district"),
    "culture_commune_village": Q(kind="cultural_centre", level__in=["commune", "village"]),
    "museum_all": Q(kind="museum"),
}


@pytest.fixture
def demo():
    call_command("load_demo")


def test_demo_has_at_least_forty_published_institutions(demo):
    assert InstitutionPage.objects.live().count() >= 40


@pytest.mark.parametrize("group", GROUPS)
def test_demo_covers_every_indicator_group(demo, group):
    assert InstitutionPage.objects.filter(GROUPS[group]).count() >= 2


def test_demo_has_the_provincial_institutions_and_village_houses(demo):
    codes = set(InstitutionPage.objects.values_list("code", flat=True))
    assert {"TV-TINH", "BT-TINH", "TTVHDA-TINH"} <= codes
    assert InstitutionPage.objects.filter(level="village", kind="cultural_centre").exists()


def test_demo_institutions_have_hours_contacts_and_vietnamese_descriptions(demo):
    for page in InstitutionPage.objects.all():
        assert page.opening_hours.exists(), page.code
        assert page.phone and page.email and page.latitude is not None, page.code
        assert "<p>" in page.description and page.title in page.description, page.code


def test_the_demo_s_yearly_tallies_count_its_records(demo):
    assert SessionTally.objects.exists() and VisitTally.objects.exists()
    assert session_tallies.differences() == [] and visit_tallies.differences() == []


def test_loading_the_demo_twice_changes_nothing(demo):
    pages = InstitutionPage.objects.count()
    records = ServiceRecord.objects.count()
    hours = sum(page.opening_hours.count() for page in InstitutionPage.objects.all())
    call_command("load_demo")
    assert InstitutionPage.objects.count() == pages
    assert ServiceRecord.objects.count() == records
    assert sum(page.opening_hours.count() for page in InstitutionPage.objects.all()) == hours


def test_demo_directory_finds_the_libraries_of_can_loc(demo, client, directory):
    response = client.get(directory.url, {"kind": "library", "area": "443"})
    assert [page.code for page in response.context["page_obj"].object_list] == ["TV-CANLOC"]
    response = client.get(directory.url, {"kind": "library", "area": "18406"})
    assert [page.code for page in response.context["page_obj"].object_list] == ["TV-X-CANLOC"]


def test_demo_pages_have_drawn_photos_with_descriptions(demo, client):
    from events.models import EventPage

    with_photo = InstitutionPage.objects.exclude(image=None)
    assert 0 < with_photo.count() < InstitutionPage.objects.count()  # cards with and without
    assert all(page.image_alt and page.image_alt != page.image.title for page in with_photo)
    assert EventPage.objects.filter(kind="reading").exclude(image=None).exists()
    image = with_photo.first().image
    assert (image.width, image.height) == (1440, 600) and image.file.name.endswith(".jpg")


def test_demo_has_events_taking_registration_with_seats_left_a_waiting_list_and_a_course(demo, client):
    from events.models import EventPage, Registration

    events = {event.title: event for event in EventPage.objects.exclude(registration_mode="none")}
    seats_left, full, whole = (
        events["Lớp sử dụng điện thoại thông minh an toàn"],
        events["Workshop làm tranh in dân gian"],
        events["Khóa tiếng Anh giao tiếp cơ bản (8 buổi)"],
    )
    assert "Còn 15 chỗ" in client.get(seats_left.url).content.decode()
    assert "Hết chỗ — vào danh sách chờ" in client.get(full.url).content.decode()
    assert Registration.objects.filter(event=full, status="waitlisted").count() == 3
    course = Registration.objects.filter(event=whole).first()
    assert course.whole_course and course.places.count() == 8
    reading_corner = EventPage.objects.get(title="Góc đọc sách tự do")
    from django.contrib.auth import get_user_model

    staff = Client()
    staff.force_login(get_user_model().objects.create_superuser("demo-admin", password="x"))
    page = staff.get(reading_corner.url + "ap-phich/").content.decode()
    check_in = re.search(r"/diem-danh/[^/]+/", page).group(0)
    assert "Tôi có mặt" in client.get(check_in).content.decode()  # a session is on at any hour
    registrations = Registration.objects.count()
    call_command("load_demo")
    assert Registration.objects.count() == registrations


def test_demo_has_a_good_model_and_a_commendation_once(demo, client):
    from institutions.models import Commendation
    from portal.models import StoryPage

    story = StoryPage.objects.live().get()
    assert story.get_parent().specific.code == "TV-TINH"
    assert story.image and story.image_alt
    assert Commendation.objects.public().count() == 1
    call_command("load_demo")
    assert StoryPage.objects.count() == 1 and Commendation.objects.count() == 1
    assert client.get(story.url).status_code == 200
    assert story.title in client.get("/mo-hinh-tot/").content.decode()
