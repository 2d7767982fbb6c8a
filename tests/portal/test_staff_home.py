"""The admin's home page shows each person their own work (portal.staff_home)."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from events.models import Attendance, Session
from institutions.models import AdministrativeUnit, ServiceRecord, VisitCount
from institutions.roles import area_group, editors_group, province_group
from portal.staff_home import StaffHomePanel
from tests.events.factories import HANOI, EventPageFactory
from tests.institutions.factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db
HOME = reverse("wagtailadmin_home")
# Wednesday 16/12/2026: the Tuesday and Thursday class of December has met four times.
TODAY = dt.datetime(2026, 12, 16, 12, 0, tzinfo=HANOI)


@pytest.fixture
def library(frozen_now):
    library = InstitutionPageFactory(code="TV-CL", title="Thư viện Can Lộc")
    event = EventPageFactory(
        parent=library,
        title="Lớp tin học",
        rrule="FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20261231T165959Z",
    )
    event.save_revision().publish()
    EventPageFactory(parent=library, title="Bản nháp", live=False).save_revision()
    return library


@pytest.fixture
def today():
    with time_machine.travel(TODAY, tick=False):
        yield


def panel(response) -> dict:
    """What the person's panel shows."""
    (mine,) = [panel for panel in response.context["panels"] if isinstance(panel, StaffHomePanel)]
    return mine.get_context_data({})


def user_in(django_user_model, name, group):
    user = django_user_model.objects.create_user(name, password="x")
    user.groups.add(group)
    return user


def test_an_editor_sees_sessions_to_record_drafts_and_the_week(client, django_user_model, library, today):
    client.force_login(user_in(django_user_model, "editor", editors_group(library)))
    held = list(
        Session.objects.filter(event__title="Lớp tin học", start__lte=TODAY).order_by("start")
    )  # 01, 03, 15 (and 10, 08) December
    Attendance.objects.create(session=held[-1], attendees=12)
    response = client.get(HOME)
    page = response.content.decode()
    editor = panel(response)["editor"]
    in_14_days = [s for s in held[:-1] if s.start >= TODAY - dt.timedelta(days=14)]
    assert editor["unrecorded_count"] == len(in_14_days) > 0
    first = editor["unrecorded"][0]
    link = f"first_day={first.start.astimezone(HANOI).date()}"
    assert link in first.entry_link and f"#id_s{first.pk}-attendees" in first.entry_link
    assert first.entry_link.replace("&", "&amp;") in page  # a link straight to its row
    assert [p.title for p in editor["drafts"]] == ["Bản nháp"]
    assert editor["week_count"] == 2  # Tuesday 15/12 and Thursday 17/12
    assert "buổi chưa có số người dự" in page  # counts first, in Vietnamese
    # Wagtail's stock panels are gone.
    assert "Your most recent edits" not in page and "Các chỉnh sửa gần đây" not in page


def test_the_entry_link_opens_the_row_of_that_session(client, django_user_model, library, today):
    client.force_login(user_in(django_user_model, "editor", editors_group(library)))
    editor = panel(client.get(HOME))["editor"]
    session = editor["unrecorded"][0]
    entry = client.get(session.entry_link.split("#")[0])
    assert entry.status_code == 200
    assert [s.pk for s, _form in entry.context["rows"]] == [session.pk]


def test_an_officer_sees_the_institutions_of_the_area_with_records_missing(
    client, django_user_model, library, today
):
    museum = InstitutionPageFactory(code="BT-CL", title="Bảo tàng Can Lộc")
    elsewhere = InstitutionPageFactory(code="TV-HK", unit=AdministrativeUnit.objects.for_code("436"))
    ServiceRecord.objects.create(institution=museum, year=2025, lifelong_learning_services=True)
    VisitCount.objects.create(
        institution=museum,
        period="month",
        date=dt.date(2026, 11, 1),
        purpose="learning",
        channel="onsite",
        visits=40,
    )
    client.force_login(user_in(django_user_model, "officer", area_group(library.unit)))
    response = client.get(HOME)
    area = panel(response)["area"]
    assert [row.institution.pk for row in area["incomplete"]] == [library.pk]  # the museum is complete
    (row,) = area["incomplete"]
    assert row.sessions == 5 and row.visits and row.service_record
    assert area["institutions"] == 2 and elsewhere.title not in response.content.decode()


def test_provincial_staff_see_missing_records_by_area(client, django_user_model, library, today):
    InstitutionPageFactory(code="TV-HK", unit=AdministrativeUnit.objects.for_code("436"))
    client.force_login(user_in(django_user_model, "province", province_group()))
    response = client.get(HOME)
    province = panel(response)["province"]
    assert province["institutions"] == 2 == province["incomplete"]
    assert {area.name: area.sessions for area in province["areas"]} == {
        str(library.unit): 5,
        str(AdministrativeUnit.objects.for_code("436")): 0,
    }
    assert "Thiếu số liệu theo địa bàn" in response.content.decode()
