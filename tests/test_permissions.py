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
def test_add_a_good_model_story_under_a(client, world, role):
    url = reverse("wagtailadmin_pages:add", args=["portal", "storypage", world["a"].pk])
    response = client_for(client, world, role).get(url)
    assert (response.status_code == 200) == EDIT_A[role]


@pytest.mark.parametrize("role", ROLES)
def test_edit_a_good_model_story_of_a(client, world, role):
    from tests.portal.factories import StoryPageFactory

    story = StoryPageFactory(parent=world["a"])
    response = client_for(client, world, role).get(reverse("wagtailadmin_pages:edit", args=[story.pk]))
    assert (response.status_code == 200) == EDIT_A[role]


@pytest.mark.parametrize("role", ROLES)
def test_commendations_are_recorded_by_the_province(client, world, role):
    url = reverse("wagtailsnippets_institutions_commendation:add")
    response = client_for(client, world, role).get(url)
    assert (response.status_code == 200) == (role in {"province", "superuser"})


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


# Residents' registrations (SPEC §9): the institution's own staff and the province, not an area's officers.
ROSTER_A = {**EDIT_A}


@pytest.mark.parametrize("role", ROLES)
def test_the_roster_of_a_session_of_a(client, world, role):
    from events.models import Registration
    from events.registering import register

    EventPage.objects.filter(pk=world["event"].pk).update(registration_mode="required", capacity=10)
    session = Session.objects.get(pk=world["session"].pk)
    made = register(
        session, seats=1, name="Người dân", phone="0912345678", added_by=world["users"]["superuser"]
    )
    c = client_for(client, world, role)
    url = reverse("events_roster", args=[session.pk])
    for address in [url, url + "?format=csv", url + "?format=xlsx"]:
        response = c.get(address)
        assert (response.status_code == 200) == ROSTER_A[role], address
        if not ROSTER_A[role]:
            assert response.status_code in DENIED and b"0912345678" not in response.content
    response = c.get(reverse("events_event_registrations", args=[world["event"].pk]))
    assert (response.status_code == 200) == ROSTER_A[role]
    c.post(url, {"action": "cancel", "registration": made.registration.pk})
    cancelled = Registration.objects.get(pk=made.registration.pk).is_cancelled
    assert cancelled == ROSTER_A[role]


@pytest.mark.parametrize("role", ROLES)
def test_checking_in_a_ticket_of_a(client, world, role):
    from events.registering import register
    from events.tickets import scan_url

    EventPage.objects.filter(pk=world["event"].pk).update(registration_mode="required", capacity=10)
    session = Session.objects.get(pk=world["session"].pk)
    made = register(
        session, seats=2, name="Người dân", phone="0912345678", added_by=world["users"]["superuser"]
    )
    response = client_for(client, world, role).post(
        scan_url(made.registration).removeprefix("http://testserver")
    )
    assert (response.status_code == 200) == ROSTER_A[role]
    assert Session.objects.get(pk=session.pk).checked_in == (2 if ROSTER_A[role] else 0)


@pytest.mark.parametrize("role", ROLES)
def test_the_offline_app_s_entries_for_a(client, world, role):
    import json
    import uuid

    c = client_for(client, world, role)
    attendance = {"id": str(uuid.uuid4()), "session": world["session"].pk, "attendees": 12, "base": None}
    response = c.post("/api/v1/attendance", json.dumps(attendance), content_type="application/json")
    assert (response.status_code == 201) == RECORD_A[role]
    assert Attendance.objects.filter(session=world["session"]).exists() == RECORD_A[role]
    door = {"id": str(uuid.uuid4()), "institution": world["a"].pk, "date": "2026-11-20", "visits": 30}
    response = c.post(
        "/api/v1/visits", json.dumps({**door, "purpose": "learning"}), content_type="application/json"
    )
    assert (response.status_code == 201) == RECORD_A[role]
    assert VisitCount.objects.filter(institution=world["a"]).exists() == RECORD_A[role]


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
def test_the_mail_report_and_the_subscriber_look_up_are_for_the_province(client, world, role):
    c = client_for(client, world, role)
    allowed = role in {"province", "superuser"}
    assert (c.get(reverse("events_mail_report")).status_code == 200) == allowed
    lookup = c.post(reverse("events_subscriber_lookup"), {"email": "an@example.vn"})
    assert (lookup.status_code == 200) == allowed


@pytest.mark.parametrize("role", ROLES)
def test_the_yearly_report_of_area_x_and_of_the_province(client, world, role):
    c = client_for(client, world, role)
    url = reverse("portal_yearly_report", args=[2025])
    assert (c.get(url, {"area": "443"}).status_code == 200) == STATISTICS_X[role]
    assert (c.get(url, {"area": "443", "format": "docx"}).status_code == 200) == STATISTICS_X[role]
    assert (c.get(url, {"area": "18373"}).status_code == 200) == STATISTICS_PROVINCE[role]  # another area
    assert (c.get(url).status_code == 200) == STATISTICS_X[role]  # an officer: their own area


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


@pytest.mark.parametrize("role", ROLES)
def test_the_two_factor_screens(client, world, role):
    """Every staff role sets up its own app; only a superuser resets someone else's (editor B's here)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    c = client_for(client, world, role)
    enrol = c.get(reverse("portal_two_factor_enrol"))
    assert (enrol.status_code == 200) == (role != "anonymous")
    # Without an app there is nothing to verify: the verification screen sends staff on to enrolment.
    verify = c.get(reverse("portal_two_factor_verify"))
    assert verify.status_code == 302
    assert verify["Location"].startswith(
        reverse("portal_two_factor_enrol") if role != "anonymous" else reverse("wagtailadmin_login")
    )
    TOTPDevice.objects.create(user=world["users"]["editor_b"], name="app", confirmed=True)
    url = reverse("portal_two_factor_reset", args=[world["users"]["editor_b"].pk])
    assert (c.get(url).status_code == 200) == (role == "superuser")
    response = c.post(url)
    reset = not TOTPDevice.objects.filter(user=world["users"]["editor_b"]).exists()
    assert reset == (role == "superuser")
    if role != "superuser":
        assert response.status_code in DENIED


# Production asks superusers and provincial staff for a second factor (OTP_REQUIRED_FOR).
ASKED_FOR_A_CODE = {role: role in {"province", "superuser"} for role in ROLES}


@pytest.mark.parametrize("role", ROLES)
def test_who_is_held_back_after_the_password_alone(client, world, role, settings):
    """Signed in with the password only, those who must give a second factor reach the enrolment screen
    (they have no app yet) from every admin address; the others reach the admin as before."""
    settings.OTP_REQUIRED_FOR = ["superusers", "provincial"]
    c = client_for(client, world, role)
    enrol = reverse("portal_two_factor_enrol")
    for path in [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore_root"),
        reverse("wagtailadmin_pages:edit", args=[world["a"].pk]),
        reverse("portal_statistics"),
    ]:
        response = c.get(path)
        held_back = response.status_code == 302 and response["Location"].startswith(enrol)
        assert held_back == ASKED_FOR_A_CODE[role], path
    assert (c.get(enrol).status_code == 200) == (role != "anonymous")


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


# --- The records kept per institution, in every admin view of them (issue: editors rewrote other
# institutions' official figures through the snippet views) ----------------------------------------

# role -> may reach the records of institution B (in Tiên Điền, outside area X)
RECORD_B = {
    "anonymous": False,
    "editor_a": False,
    "editor_b": True,
    "officer_x": False,
    "province": True,
    "superuser": True,
}
REACH = {"a": RECORD_A, "b": RECORD_B}
RECORD_MODELS = [("events", "attendance"), ("institutions", "visitcount"), ("institutions", "servicerecord")]


@pytest.fixture
def records(world):
    """One record of each kind for A and for B; `marker` is the text by which a listing shows it."""
    event_b = publish(
        EventPageFactory(
            parent=world["b"],
            title="Lớp của B",
            start=dt.datetime(2026, 11, 20, 8, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 11, 20, 9, 0, tzinfo=HANOI),
        )
    )
    found = {"attendance": {}, "visitcount": {}, "servicerecord": {}}
    for where, institution, session in [
        ("a", world["a"], world["session"]),
        ("b", world["b"], Session.objects.get(event=event_b)),
    ]:
        found["attendance"][where] = Attendance.objects.create(session=session, attendees=14)
        found["visitcount"][where] = VisitCount.objects.create(
            institution=institution, date=dt.date(2026, 10, 5), purpose="learning", visits=1976
        )
        found["servicerecord"][where] = ServiceRecord.objects.create(
            institution=institution, year=2025, lifelong_learning_services=True, note="ghi chú"
        )
    return found


def snippet_url(app_label, model, view, *args):
    return reverse(f"wagtailsnippets_{app_label}_{model}:{view}", args=args)


def marker(record) -> str:
    """What a listing or an export of `record` shows of its institution."""
    if isinstance(record, Attendance):
        return record.session.event.title
    return record.institution.title


def body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def edit_data(record) -> dict:
    """A valid edit form that changes the record's figure (999 people, 5 visits, a new note)."""
    if isinstance(record, Attendance):
        return {"attendees": "999", "children": "", "women": "", "disabled": "", "note": ""}
    if isinstance(record, VisitCount):
        return {
            "institution": record.institution_id,
            "period": record.period,
            "date": record.date.isoformat(),
            "purpose": record.purpose,
            "channel": record.channel,
            "visits": "5",
        }
    return {"institution": record.institution_id, "year": record.year, "note": "đã sửa"}


def figure(record):
    record = type(record).objects.get(pk=record.pk)
    return getattr(
        record, {"attendance": "attendees", "visitcount": "visits"}.get(record._meta.model_name, "note")
    )


@pytest.mark.parametrize("app_label,model", RECORD_MODELS)
@pytest.mark.parametrize("role", ROLES)
def test_record_listings_and_exports_show_only_records_in_scope(
    client, world, records, role, app_label, model
):
    c = client_for(client, world, role)
    listing = c.get(snippet_url(app_label, model, "list"))
    results = c.get(snippet_url(app_label, model, "list_results"))
    export = c.get(snippet_url(app_label, model, "list") + "?export=csv")
    exported = body(export) if export.status_code == 200 else ""
    if role == "anonymous":
        assert {listing.status_code, results.status_code, export.status_code} <= DENIED
        return
    for where, record in records[model].items():
        edit_url = snippet_url(app_label, model, "edit", record.pk)
        shown = listing.status_code == 200 and edit_url in listing.content.decode()
        assert shown == REACH[where][role], (where, listing.status_code)
        assert (results.status_code == 200 and edit_url in results.content.decode()) == REACH[where][role]
        assert (marker(record) in exported) == REACH[where][role]


@pytest.mark.parametrize("where", ["a", "b"])
@pytest.mark.parametrize("app_label,model", RECORD_MODELS)
@pytest.mark.parametrize("role", ROLES)
def test_record_edit_is_for_staff_of_its_institution(client, world, records, role, app_label, model, where):
    record = records[model][where]
    before = figure(record)
    c = client_for(client, world, role)
    url = snippet_url(app_label, model, "edit", record.pk)
    assert (c.get(url).status_code == 200) == REACH[where][role]
    response = c.post(url, edit_data(record))
    assert (figure(record) != before) == REACH[where][role]
    if not REACH[where][role]:
        assert response.status_code in DENIED


@pytest.mark.parametrize("where", ["a", "b"])
@pytest.mark.parametrize("app_label,model", RECORD_MODELS)
@pytest.mark.parametrize("role", ROLES)
def test_record_history_usage_and_chooser_are_scoped(client, world, records, role, app_label, model, where):
    record = records[model][where]
    c = client_for(client, world, role)
    for view in ("history", "history_results", "usage"):
        response = c.get(snippet_url(app_label, model, view, record.pk))
        assert (response.status_code == 200) == REACH[where][role], view
        if not REACH[where][role]:
            assert response.status_code in DENIED
    chosen = c.get(reverse(f"wagtailsnippetchoosers_{app_label}_{model}:chosen", args=[record.pk]))
    assert (chosen.status_code == 200) == REACH[where][role]
    if role != "anonymous":
        choose = c.get(reverse(f"wagtailsnippetchoosers_{app_label}_{model}:choose"))
        assert (marker(record) in choose.json()["html"]) == REACH[where][role]


@pytest.mark.parametrize("where", ["a", "b"])
@pytest.mark.parametrize("app_label,model", RECORD_MODELS)
@pytest.mark.parametrize("role", ROLES)
def test_deleting_a_record_is_for_the_province(client, world, records, role, app_label, model, where):
    """One by one and in bulk: recorded figures are the province's to remove (entry screens empty a box)."""
    record = records[model][where]
    c = client_for(client, world, role)
    url = snippet_url(app_label, model, "delete", record.pk)
    c.get(url)
    c.post(url)
    bulk = reverse("wagtail_bulk_action", args=[app_label, model, "delete"]) + f"?id={record.pk}"
    c.get(bulk)
    c.post(bulk)
    deleted = not type(record).objects.filter(pk=record.pk).exists()
    assert deleted == (role in {"province", "superuser"})


def test_an_editor_cannot_move_a_record_to_another_institution(client, world, records):
    c = client_for(client, world, "editor_a")
    record = records["visitcount"]["a"]
    data = {**edit_data(record), "institution": world["b"].pk}
    response = c.post(snippet_url("institutions", "visitcount", "edit", record.pk), data)
    assert response.status_code == 200  # the form again, with the error
    record.refresh_from_db()
    assert (record.institution_id, record.visits) == (world["a"].pk, 1976)


@pytest.mark.parametrize("role", ROLES)
def test_adding_and_copying_records_in_the_snippet_views(client, world, records, role):
    """Attendance is added on the entry screen only; visit counts and service records by the province,
    which may also start from a copy of one."""
    c = client_for(client, world, role)
    assert c.get(snippet_url("events", "attendance", "add")).status_code in DENIED
    for model in ("visitcount", "servicerecord"):
        response = c.get(snippet_url("institutions", model, "add"))
        assert (response.status_code == 200) == (role in {"province", "superuser"})
        for where in ("a", "b"):
            response = c.get(snippet_url("institutions", model, "copy", records[model][where].pk))
            assert (response.status_code == 200) == (role in {"province", "superuser"})
            if role not in {"province", "superuser"}:
                assert response.status_code in DENIED


@pytest.mark.parametrize("role", ROLES)
def test_site_history_shows_only_what_the_person_may_see(client, world, records, role):
    from wagtail.log_actions import log

    for by_model in records.values():
        for record in by_model.values():
            log(record, "wagtail.edit", user=world["users"]["superuser"])
    c = client_for(client, world, role)
    response = c.get(reverse("wagtailadmin_reports:site_history"))
    results = c.get(reverse("wagtailadmin_reports:site_history_results"))
    export = c.get(reverse("wagtailadmin_reports:site_history") + "?export=csv")
    if role == "anonymous":
        assert {response.status_code, results.status_code, export.status_code} <= DENIED
        return
    content = response.content.decode() + results.content.decode() + body(export)
    for where in ("a", "b"):
        for by_model in records.values():
            if not REACH[where][role]:
                assert str(by_model[where]) not in content
    if role in {"province", "superuser"}:
        assert str(records["visitcount"]["b"]) in content


def test_staff_of_institutions_see_the_record_menus(client, world):
    c = client_for(client, world, "editor_a")
    content = c.get(reverse("wagtailadmin_home")).content.decode()
    assert snippet_url("events", "attendance", "list") in content
    assert snippet_url("institutions", "visitcount", "list") in content


def test_record_exports_keep_formula_text_as_text(client, world, records):
    record = records["servicerecord"]["a"]
    record.note = "=HYPERLINK(1)"
    record.save()
    c = client_for(client, world, "editor_a")
    exported = body(c.get(snippet_url("institutions", "servicerecord", "list") + "?export=csv"))
    assert "'=HYPERLINK(1)" in exported


def test_an_editor_without_publish_rights_imports_events_for_review(client, world):
    """The preview says so before anything is confirmed; the events become drafts in the review workflow."""
    from wagtail.models import WorkflowState

    c = client_for(client, world, "editor_a")
    calendar = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//A//A//VI\r\nBEGIN:VEVENT\r\nUID:clb-a@example.vn\r\n"
        "DTSTART;TZID=Asia/Ho_Chi_Minh:20261210T080000\r\nDTEND;TZID=Asia/Ho_Chi_Minh:20261210T100000\r\n"
        "SUMMARY:Câu lạc bộ mới của A\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()
    url = reverse("institutions_import")
    upload = SimpleUploadedFile("a.ics", calendar, "text/calendar")
    preview = c.post(url, {"kind": "events", "institution": "A", "file": upload})
    assert preview.status_code == 200
    assert "submitted to the province for review" in preview.content.decode() or "duyệt" in (
        preview.content.decode()
    )
    response = c.post(url, {"confirm": "1", "token": preview.context["token"]}, follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["success"]

    event = EventPage.objects.get(uid="clb-a@example.vn")
    assert not event.live
    assert not Session.objects.filter(event=event).exists()
    state = WorkflowState.objects.get(base_content_type__model="page", object_id=str(event.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS

    # Importing the same file again changes nothing.
    preview = c.post(
        url, {"kind": "events", "institution": "A", "file": SimpleUploadedFile("a.ics", calendar)}
    )
    assert preview.context["report"].unchanged == 1


def test_the_front_end_login_without_next_goes_to_the_home_page(client, world):
    response = client.post("/_util/login/", {"username": "editor_a", "password": "x"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def failed_logins(client, username: str, **headers) -> None:
    url = reverse("wagtailadmin_login")
    for _attempt in range(5):
        client.post(url, {"username": username, "password": "wrong"}, **headers)


def test_a_forged_forwarded_address_does_not_escape_the_lockout(client, world):
    """By default the connection's own address counts: X-Forwarded-For from a client is ignored."""
    url = reverse("wagtailadmin_login")
    for attempt in range(5):
        client.post(
            url,
            {"username": "editor_a", "password": "wrong"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{attempt}",
        )
    client.post(
        url,
        {"username": "editor_a", "password": "x"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="192.0.2.9",
    )
    assert "_auth_user_id" not in client.session


def test_behind_a_trusted_proxy_each_client_has_its_own_address(client, world, settings):
    """TRUSTED_PROXY_COUNT=1: the address the proxy appended counts, so one person's wrong passwords do
    not lock the username for everyone else behind the same proxy."""
    settings.AXES_IPWARE_PROXY_COUNT = 1
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    failed_logins(client, "editor_a", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    url = reverse("wagtailadmin_login")
    locked = client.post(
        url,
        {"username": "editor_a", "password": "x"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.5",
    )
    assert locked.status_code == 429 or "_auth_user_id" not in client.session
    other = client.post(
        url,
        {"username": "editor_a", "password": "x"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7",
    )
    assert other.status_code == 302


def test_an_unpublished_institution_s_code_answers_as_an_unknown_code(client, world):
    from institutions.models import InstitutionPage

    InstitutionPage.objects.filter(pk=world["b"].pk).update(live=False)
    api = reverse("events:api-sessions")
    unpublished = client.get(api, {"institution": "B"})
    unknown = client.get(api, {"institution": "KHONG-CO"})
    assert unpublished.status_code == unknown.status_code == 400
    assert unpublished.json()["errors"].keys() == unknown.json()["errors"].keys()
    assert client.get(api, {"institution": "A"}).status_code == 200


@pytest.mark.parametrize("app_label,model", RECORD_MODELS)
def test_a_stale_snippet_edit_is_refused_not_applied(client, world, records, app_label, model):
    """Two people open the same record; the second save, from the form opened before the first, is refused
    with the record's new values, and saving that form again keeps the second person's values knowingly."""
    from django.test import Client

    record = records[model]["a"]
    url = snippet_url(app_label, model, "edit", record.pk)
    first = client_for(client, world, "editor_a")
    second = Client()
    second.force_login(world["users"]["province"])
    version_of = lambda response: response.context["form"]["record_version"].value()  # noqa: E731
    first_version, second_version = version_of(first.get(url)), version_of(second.get(url))

    assert first.post(url, {**edit_data(record), "record_version": first_version}).status_code == 302
    changed = figure(record)
    stale = {**edit_data(record), "record_version": second_version}
    for name, value in {"attendees": "998", "visits": "6", "note": "của tỉnh"}.items():
        if name in stale:
            stale[name] = value
    response = second.post(url, stale)
    assert response.status_code == 200
    assert figure(record) == changed
    shown = response.content.decode().lower()
    assert "someone else changed this record" in shown or "người khác đã sửa bản ghi này" in shown
    again = {**stale, "record_version": version_of(response)}
    assert second.post(url, again).status_code == 302
    assert figure(record) != changed
