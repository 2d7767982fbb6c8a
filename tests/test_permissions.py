"""The permission matrix (SPEC §8): each role × each staff screen and action, and the database unchanged
after every denied write."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.models import Attendance, EventPage, Session
from institutions.models import AdministrativeUnit, InstitutionPage, ServiceRecord, VisitCount
from institutions.roles import area_group, editors_group, province_group
from tests.events.conftest import publish
from tests.events.factories import HANOI, EventPageFactory
from tests.institutions.factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "editor_a", "editor_b", "officer_x", "province", "superuser"]
DENIED = {302, 403, 404}


@pytest.fixture
def world(frozen_now):
    """Institution A in Can Lộc (area X = 443), institution B in Tiên Điền; an event of A with a session."""
    a = InstitutionPageFactory(
        code="A", title="Nhà văn hóa A", unit=AdministrativeUnit.objects.for_code("443")
    )
    b = InstitutionPageFactory(
        code="B", title="Nhà văn hóa B", unit=AdministrativeUnit.objects.for_code("18373")
    )
    event = publish(
        EventPageFactory(
            parent=a,
            title="Lớp của A",
            start=dt.datetime(2026, 11, 20, 8, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 11, 20, 9, 0, tzinfo=HANOI),
        )
    )
    User = get_user_model()
    users = {
        "editor_a": User.objects.create_user("editor_a", password="x"),
        "editor_b": User.objects.create_user("editor_b", password="x"),
        "officer_x": User.objects.create_user("officer_x", password="x"),
        "province": User.objects.create_user("province", password="x"),
        "superuser": User.objects.create_superuser("root", password="x"),
    }
    users["editor_a"].groups.add(editors_group(a))
    users["editor_b"].groups.add(editors_group(b))
    users["officer_x"].groups.add(area_group(AdministrativeUnit.objects.for_code("443")))
    users["province"].groups.add(province_group())
    return {"a": a, "b": b, "event": event, "session": Session.objects.get(event=event), "users": users}


def client_for(client, world, role):
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


# role -> allowed?
EDIT_A = {
    "anonymous": False,
    "editor_a": True,
    "editor_b": False,
    "officer_x": False,
    "province": True,
    "superuser": True,
}
RECORD_A = {
    "anonymous": False,
    "editor_a": True,
    "editor_b": False,
    "officer_x": True,
    "province": True,
    "superuser": True,
}
STATISTICS_X = {
    "anonymous": False,
    "editor_a": False,
    "editor_b": False,
    "officer_x": True,
    "province": True,
    "superuser": True,
}
STATISTICS_PROVINCE = {**STATISTICS_X, "officer_x": False}


@pytest.mark.parametrize("role", ROLES)
def test_edit_institution_a_page(client, world, role):
    response = client_for(client, world, role).get(reverse("wagtailadmin_pages:edit", args=[world["a"].pk]))
    assert (response.status_code == 200) == EDIT_A[role]


@pytest.mark.parametrize("role", ROLES)
def test_edit_institution_a_event(client, world, role):
    response = client_for(client, world, role).get(
        reverse("wagtailadmin_pages:edit", args=[world["event"].pk])
    )
    assert (response.status_code == 200) == EDIT_A[role]


@pytest.mark.parametrize("role", ROLES)
def test_delete_institution_a_event(client, world, role):
    client_for(client, world, role).post(reverse("wagtailadmin_pages:delete", args=[world["event"].pk]))
    # Editors add and change pages; deleting is the province's (the page keeps its history).
    deleted = not EventPage.objects.filter(pk=world["event"].pk).exists()
    assert deleted == (role in {"province", "superuser"})


@pytest.mark.parametrize("role", ROLES)
def test_add_an_event_under_a(client, world, role):
    url = reverse("wagtailadmin_pages:add", args=["events", "eventpage", world["a"].pk])
    response = client_for(client, world, role).get(url)
    assert (response.status_code == 200) == EDIT_A[role]


@pytest.mark.parametrize("role", ROLES)
def test_attendance_entry_for_a(client, world, role):
    c = client_for(client, world, role)
    query = f"?institution={world['a'].pk}&first_day=2026-11-16&last_day=2026-11-22"
    url = reverse("events_attendance_entry") + query
    response = c.get(url)
    assert (response.status_code == 200) == RECORD_A[role]
    response = c.post(url, {f"s{world['session'].pk}-attendees": "12"})
    assert Attendance.objects.filter(session=world["session"]).exists() == RECORD_A[role]
    if not RECORD_A[role]:
        assert response.status_code in DENIED


@pytest.mark.parametrize("role", ROLES)
def test_visit_entry_for_a(client, world, role):
    c = client_for(client, world, role)
    url = reverse("institutions_visit_grid") + f"?institution={world['a'].pk}&month=2026-10"
    assert (c.get(url).status_code == 200) == RECORD_A[role]
    response = c.post(url, {"day-05-learning-onsite": "40"})
    assert VisitCount.objects.filter(institution=world["a"]).exists() == RECORD_A[role]
    if not RECORD_A[role]:
        assert response.status_code in DENIED


@pytest.mark.parametrize("role", ROLES)
def test_importing_service_records_of_a(client, world, role):
    c = client_for(client, world, role)
    data = b"institution_code,year,lifelong_learning_services,digital_transformation\nA,2025,1,1\n"
    url = reverse("institutions_import")
    response = c.post(url, {"kind": "services", "file": SimpleUploadedFile("s.csv", data, "text/csv")})
    token = response.context.get("token") if response.status_code == 200 and response.context else None
    if token:
        c.post(url, {"confirm": "1", "token": token})
    assert ServiceRecord.objects.filter(institution=world["a"]).exists() == RECORD_A[role]


@pytest.mark.parametrize("role", ROLES)
def test_importing_institutions_is_for_the_province(client, world, role):
    c = client_for(client, world, role)
    header = "code,name,kind,level,sector,unit_code"
    data = f"{header}\nNEW,Thư viện mới,library,commune,public,18406\n".encode()
    url = reverse("institutions_import")
    response = c.post(url, {"kind": "institutions", "file": SimpleUploadedFile("i.csv", data, "text/csv")})
    token = response.context.get("token") if response.status_code == 200 and response.context else None
    if token:
        c.post(url, {"confirm": "1", "token": token})
    assert InstitutionPage.objects.filter(code="NEW").exists() == (role in {"province", "superuser"})


@pytest.mark.parametrize("role", ROLES)
def test_statistics_of_area_x(client, world, role):
    response = client_for(client, world, role).get(
        reverse("portal_statistics"), {"year": 2025, "area": "443"}
    )
    assert (response.status_code == 200) == STATISTICS_X[role]


@pytest.mark.parametrize("role", ROLES)
def test_statistics_of_the_province_and_exports(client, world, role):
    c = client_for(client, world, role)
    response = c.get(reverse("portal_statistics"), {"year": 2025, "area": "42"})
    assert (response.status_code == 200) == STATISTICS_PROVINCE[role]
    export = c.get(reverse("portal_statistics"), {"year": 2025, "area": "18373", "export": "xlsx"})
    assert (export.status_code == 200) == STATISTICS_PROVINCE[role]


def test_an_officer_starts_in_their_area(client, world):
    response = client_for(client, world, "officer_x").get(reverse("portal_statistics"))
    assert response.context["area"].code == "443"


def test_editor_cannot_see_other_institutions_in_the_explorer(client, world):
    c = client_for(client, world, "editor_a")
    directory = world["a"].get_parent()
    content = c.get(reverse("wagtailadmin_explore", args=[directory.pk])).content.decode()
    assert "Nhà văn hóa B" not in content


def test_editors_submit_for_review_and_the_province_approves(client, world):
    from wagtail.models import WorkflowState

    from tests.events.test_editing import event_form_data

    event = world["event"]
    editor = client_for(client, world, "editor_a")
    data = event_form_data(title="Lớp của A (đã sửa)", slug=event.slug, repeat="", until="", weekdays=[])
    data.pop("action-publish")
    data["action-submit"] = "1"
    response = editor.post(reverse("wagtailadmin_pages:edit", args=[event.pk]), data)
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Lớp của A"  # not published yet
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(event.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.workflow.name == "Duyệt nội dung cơ sở"

    editor.logout()
    moderator = client_for(client, world, "province")
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[event.pk, "approve", state.current_task_state.pk]
    )
    response = moderator.post(url, {"comment": "Đồng ý"})
    assert response.status_code in (200, 302)
    event.refresh_from_db()
    assert event.title == "Lớp của A (đã sửa)"
    assert event.live


def test_repeated_failed_logins_lock_the_account(client, world):
    url = reverse("wagtailadmin_login")
    for _attempt in range(5):
        client.post(url, {"username": "editor_a", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
    response = client.post(url, {"username": "editor_a", "password": "x"}, REMOTE_ADDR="10.0.0.1")
    assert response.status_code == 429 or "_auth_user_id" not in client.session
    # Another address is not locked out.
    other = client.post(url, {"username": "editor_a", "password": "x"}, REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302


def test_add_staff_command_puts_users_in_the_right_group(world):
    from django.core.management import call_command

    call_command("add_staff", "thu_thu_a", "--institution", "A", "--email", "a@example.vn")
    call_command("add_staff", "can_bo_x", "--area", "443")
    call_command("add_staff", "so_vhtt", "--province")
    User = get_user_model()
    assert User.objects.get(username="thu_thu_a").groups.get().staff_scope.institution.code == "A"
    assert User.objects.get(username="can_bo_x").groups.get().staff_scope.area.code == "443"
    assert User.objects.get(username="so_vhtt").groups.get().staff_scope.province
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("add_staff", "x", "--institution", "KHONG-CO")
    with pytest.raises(CommandError):
        call_command("add_staff", "y", "--province", "--password", "123")


def test_a_trusted_institution_s_editors_publish_directly(world):
    from wagtail.models import GroupPagePermission

    institution = world["a"]
    editor = world["users"]["editor_a"]
    assert not institution.permissions_for_user(editor).can_publish()
    institution.publishes_directly = True
    institution.save_revision().publish()
    assert GroupPagePermission.objects.filter(page=institution, permission__codename="publish_page").exists()
    institution.refresh_from_db()
    editor = get_user_model().objects.get(pk=editor.pk)  # permissions are cached per user object
    assert institution.permissions_for_user(editor).can_publish()
    assert world["event"].permissions_for_user(editor).can_publish()
