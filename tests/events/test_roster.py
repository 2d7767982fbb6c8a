"""A session's roster in the admin (SPEC §9): reading it and exporting it are logged; staff add a phone
call's registration, cancel one, move the waiting list and change the seats."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from events.models import Registration, Session
from events.registering import register
from institutions.roles import editors_group
from tests.events.conftest import publish
from tests.events.factories import HANOI, EventPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def workshop(frozen_now):
    event = publish(
        EventPageFactory(
            title="Workshop làm đèn lồng",
            start=dt.datetime(2026, 12, 5, 8, 0, tzinfo=HANOI),
            registration_mode="required",
            capacity=2,
        )
    )
    session = event.sessions.get()
    for name in ["Lan", "Minh", "Hoa", '=HYPERLINK("x")']:
        register(session, seats=1, name=name, phone="0912345678", note="Ghi chú của " + name[:4])
    return session


@pytest.fixture
def editor(client, workshop):
    user = get_user_model().objects.create_user("thu_vien", password="x", first_name="Thu", last_name="Viện")
    user.groups.add(editors_group(workshop.institution))
    client.force_login(user)
    return user


def roster_url(session) -> str:
    return reverse("events_roster", args=[session.pk])


def test_an_editor_reads_the_roster_and_the_reading_is_logged(client, editor, workshop):
    page = client.get(roster_url(workshop)).content.decode()
    assert "Lan" in page and "Minh" in page and "0912345678" in page
    assert page.index("Hoa") < page.index("HYPERLINK")  # the waiting list in order
    assert "Đã đăng ký 2/2 chỗ" in page and "2 người đang chờ" in page
    [entry] = ModelLogEntry.objects.filter(action="events.roster_viewed")
    assert entry.user_id == editor.pk and entry.object_id == str(workshop.pk)


def test_the_roster_exports_as_csv_and_xlsx_and_each_export_is_logged(client, editor, workshop):
    response = client.get(roster_url(workshop) + "?format=csv")
    assert response["Content-Type"].startswith("text/csv") and "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Trạng thái", "Thứ tự", "Họ tên"]
    assert [row[2] for row in rows[1:]] == ["Lan", "Minh", "Hoa", '\'=HYPERLINK("x")']  # a formula stays text
    assert [row[0] for row in rows[1:]] == ["Đã xác nhận"] * 2 + ["Trong danh sách chờ"] * 2

    response = client.get(roster_url(workshop) + "?format=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Workshop làm đèn lồng" and values[2][2] == "Lan"
    assert list(
        ModelLogEntry.objects.filter(action="events.roster_exported")
        .order_by("pk")
        .values_list("data", flat=True)
    ) == [
        {"format": "csv"},
        {"format": "xlsx"},
    ]


def test_staff_add_a_phone_call_cancel_one_and_the_waiting_list_moves_up(client, editor, workshop):
    response = client.post(
        roster_url(workshop),
        {"action": "add", "name": "Bà Tư", "phone": "0239 3855 123", "email": "", "seats": "1", "note": ""},
    )
    assert response.status_code == 302
    added = Registration.objects.get(name="Bà Tư")
    assert added.added_by == editor and added.status == "waitlisted" and added.consent_at is None

    hoa, other = Registration.objects.filter(status="waitlisted").order_by("queue_rank", "pk")[:2]
    client.post(roster_url(workshop), {"action": "move_up", "registration": other.pk})
    first = Registration.objects.filter(status="waitlisted").order_by("queue_rank", "pk").first()
    assert first == other

    lan = Registration.objects.get(name="Lan")
    response = client.post(roster_url(workshop), {"action": "cancel", "registration": lan.pk}, follow=True)
    assert "Đã hủy đăng ký của Lan" in response.content.decode()
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert (
        statuses["Lan"] == "cancelled"
        and statuses[other.name] == "confirmed"
        and statuses["Hoa"] == "waitlisted"
    )


def test_the_seats_cannot_go_below_those_taken_and_more_seats_go_to_the_waiting_list(
    client, editor, workshop
):
    response = client.post(roster_url(workshop), {"action": "capacity", "capacity": "1"}, follow=True)
    assert "Đã có 2 chỗ được đăng ký" in response.content.decode()
    assert Session.objects.get(pk=workshop.pk).capacity is None
    response = client.post(roster_url(workshop), {"action": "capacity", "capacity": "3"}, follow=True)
    assert "1 người từ danh sách chờ đã có chỗ" in response.content.decode()
    assert Session.objects.get(pk=workshop.pk).seats_taken == 3


def test_the_roster_is_reachable_from_the_event_in_the_admin_and_the_attendance_screen(
    client, editor, workshop
):
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[workshop.event_id])).content.decode()
    overview = reverse("events_event_registrations", args=[workshop.event_id])
    assert overview in edit
    assert roster_url(workshop) in client.get(overview).content.decode()
    attendance = client.get(
        reverse("events_attendance_entry"),
        {"institution": workshop.institution_id, "first_day": "2026-12-01", "last_day": "2026-12-07"},
    ).content.decode()
    assert roster_url(workshop) in attendance


def test_staff_opening_a_ticket_s_code_check_it_in_once(client, editor, workshop):
    from events.tickets import scan_url

    registration = Registration.objects.get(name="Minh")
    url = scan_url(registration).removeprefix("http://testserver")
    page = client.get(url).content.decode()
    assert "Minh" in page and 'type="submit"' in page
    assert Session.objects.get(pk=workshop.pk).checked_in == 0  # opening counts nothing
    first = client.post(url)
    assert first.status_code == 200 and 'data-check-in="new"' in first.content.decode()
    again = client.post(url).content.decode()
    assert 'data-check-in="earlier"' in again and "Đã điểm danh lúc" in again
    assert Session.objects.get(pk=workshop.pk).checked_in == 1
    assert client.get("/api/v1/sessions?include_cancelled=1").json()["results"][0]["checked_in"] == 1
    waiting = Registration.objects.get(name="Hoa")
    refused = client.post(scan_url(waiting).removeprefix("http://testserver"))
    assert refused.status_code == 409 and "danh sách chờ" in refused.content.decode()
    assert ModelLogEntry.objects.filter(action="events.checked_in", user_id=editor.pk).count() == 1


@pytest.mark.parametrize("who", ["anonymous", "other_editor", "officer"])
def test_anyone_else_opening_a_ticket_s_code_is_told_to_show_it_at_the_door(client, workshop, who):
    from events.tickets import scan_url
    from institutions.models import AdministrativeUnit
    from institutions.roles import area_group
    from tests.institutions.factories import InstitutionPageFactory

    if who != "anonymous":
        user = get_user_model().objects.create_user(who, password="x")
        group = (
            editors_group(InstitutionPageFactory())
            if who == "other_editor"
            else area_group(AdministrativeUnit.objects.get(pk=workshop.institution.unit_id))
        )
        user.groups.add(group)
        client.force_login(user)
    url = scan_url(Registration.objects.get(name="Minh")).removeprefix("http://testserver")
    page = client.get(url).content.decode()
    assert "xuất trình" in page.lower() and "Minh" not in page
    assert client.post(url).status_code == 403
    assert Session.objects.get(pk=workshop.pk).checked_in == 0


def test_one_tap_on_the_roster_checks_in_and_another_undoes_it(client, editor, workshop):
    lan = Registration.objects.get(name="Lan")
    response = client.post(roster_url(workshop), {"action": "check_in", "registration": lan.pk})
    assert response["Location"].endswith(f"#registration-{lan.pk}")
    page = client.get(roster_url(workshop)).content.decode()
    assert "data-checked-in" in page and "1 người đã điểm danh" in page
    rows = list(
        csv.reader(io.StringIO(client.get(roster_url(workshop) + "?format=csv").content.decode("utf-8-sig")))
    )
    assert rows[1][2] == "Lan" and rows[1][8].startswith("25/11/2026")
    client.post(roster_url(workshop), {"action": "undo_check_in", "registration": lan.pk})
    assert Session.objects.get(pk=workshop.pk).checked_in == 0
    assert "data-checked-in" not in client.get(roster_url(workshop)).content.decode()


def test_an_event_with_registrations_cannot_be_deleted_so_no_ticket_vanishes(admin_client, workshop):
    response = admin_client.post(reverse("wagtailadmin_pages:delete", args=[workshop.event_id]), follow=True)
    assert "người dân đã đăng ký" in response.content.decode()
    assert Session.objects.filter(pk=workshop.pk).exists() and Registration.objects.count() == 4


def test_the_attendance_screen_shows_the_check_ins_beside_the_headcount(client, editor, workshop):
    Session.objects.filter(pk=workshop.pk).update(checked_in=3)
    page = client.get(
        reverse("events_attendance_entry"),
        {"institution": workshop.institution_id, "first_day": "2026-12-01", "last_day": "2026-12-07"},
    ).content.decode()
    assert f'<td data-checked-in="{workshop.pk}">3</td>' in page and "Số người điểm danh" in page
