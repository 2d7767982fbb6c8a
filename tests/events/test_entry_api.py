"""The entry endpoints of the offline app (SPEC §10): `POST /api/v1/attendance` and `POST /api/v1/visits`,
with the admin's login and CSRF protection, idempotent by the entry's id, and a conflict when the record
changed after the phone's copy."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from wagtail.models import ModelLogEntry

from events.models import Attendance, Session
from institutions.models import AdministrativeUnit, VisitCount
from institutions.roles import area_group, editors_group
from tests.events.conftest import publish
from tests.events.factories import HANOI, EventPageFactory
from tests.institutions.factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def house(frozen_now):
    return InstitutionPageFactory(code="NVH-A", unit=AdministrativeUnit.objects.for_code("443"))


@pytest.fixture
def held(house):
    event = publish(
        EventPageFactory(
            parent=house, title="Lớp dân ca", start=dt.datetime(2026, 11, 24, 19, 0, tzinfo=HANOI)
        )
    )
    return event.sessions.get()


def person(role: str, house) -> Client:
    """A logged-in browser that sends the CSRF token as the app does (`X-CSRFToken`)."""
    user = get_user_model().objects.create_user(role, password="x")
    if role == "editor":
        user.groups.add(editors_group(house))
    elif role == "other_editor":
        user.groups.add(editors_group(InstitutionPageFactory()))
    elif role == "officer":
        user.groups.add(area_group(AdministrativeUnit.objects.for_code("443")))
    elif role == "other_officer":
        user.groups.add(area_group(AdministrativeUnit.objects.for_code("436")))
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/admin/")  # the admin sets the CSRF cookie
    client.user = user
    return client


def send(client: Client, url: str, body: dict, csrf: bool = True):
    token = client.cookies["csrftoken"].value if csrf and "csrftoken" in client.cookies else ""
    return client.post(url, json.dumps(body), content_type="application/json", HTTP_X_CSRFTOKEN=token)


def entry(session, **values) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "session": session.pk,
        "attendees": 14,
        "children": 3,
        "base": None,
        **values,
    }


def test_a_headcount_is_saved_once_whatever_the_number_of_sends(house, held):
    editor = person("editor", house)
    body = entry(held, note="Mưa to")
    first = send(editor, "/api/v1/attendance", body)
    assert first.status_code == 201, first.content
    record = Attendance.objects.get(session=held)
    assert (record.attendees, record.children, record.note, record.recorded_by) == (
        14,
        3,
        "Mưa to",
        editor.user,
    )
    again = send(editor, "/api/v1/attendance", {**body, "attendees": 99})  # a resend, even garbled
    assert (again.status_code, again.json()) == (201, first.json())
    assert Attendance.objects.get(session=held).attendees == 14
    assert ModelLogEntry.objects.filter(action="wagtail.create", user_id=editor.user.pk).count() == 1


def test_a_record_changed_after_the_phone_s_copy_is_a_conflict_with_both_figures(house, held):
    editor = person("editor", house)
    saved = send(editor, "/api/v1/attendance", entry(held)).json()
    Attendance.objects.filter(session=held).update(attendees=20)
    Attendance.objects.get(session=held).save()  # a colleague saved 20 on the screen (a new version)
    stale = send(editor, "/api/v1/attendance", entry(held, attendees=16, base=saved["version"]))
    assert stale.status_code == 409
    assert stale.json()["server"]["attendees"] == 20 and Attendance.objects.get(session=held).attendees == 20
    kept = send(editor, "/api/v1/attendance", entry(held, attendees=16, base=stale.json()["version"]))
    assert kept.status_code == 200 and Attendance.objects.get(session=held).attendees == 16
    assert send(editor, "/api/v1/attendance", entry(held, base=None)).status_code == 409  # it saw none


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("editor", True), ("officer", True), ("other_editor", False), ("other_officer", False)],
)
def test_only_the_staff_of_the_session_s_institution_or_area_enter_it(house, held, role, allowed):
    response = send(person(role, house), "/api/v1/attendance", entry(held))
    assert response.status_code == (201 if allowed else 403)
    assert Attendance.objects.filter(session=held).exists() == allowed


def test_anonymous_or_without_the_csrf_token_nothing_is_entered(client, house, held):
    anonymous = client.post("/api/v1/attendance", json.dumps(entry(held)), content_type="application/json")
    assert anonymous.status_code == 403
    assert send(person("editor", house), "/api/v1/attendance", entry(held), csrf=False).status_code == 403
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"attendees": "mười"}, "attendees"),
        ({"attendees": 5, "children": 6}, "children"),
        ({"attendees": 10**9}, "attendees"),
        ({"id": "not-a-uuid"}, "id"),
    ],
)
def test_a_bad_value_gets_a_400_with_the_field_s_message(house, held, values, field):
    response = send(person("editor", house), "/api/v1/attendance", entry(held, **values))
    assert response.status_code == 400 and field in response.json()["errors"]
    assert not Attendance.objects.exists()


def test_a_session_that_has_not_begun_takes_no_headcount(house, frozen_now):
    coming = publish(EventPageFactory(parent=house, start=dt.datetime(2026, 11, 30, 8, 0, tzinfo=HANOI)))
    response = send(person("editor", house), "/api/v1/attendance", entry(Session.objects.get(event=coming)))
    assert response.status_code == 400 and "attendees" in response.json()["errors"]


def visit(house, **values) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "institution": house.pk,
        "date": "2026-11-24",
        "visits": 37,
        "purpose": "learning",
        "channel": "onsite",
        "base": None,
        **values,
    }


def test_a_door_count_is_saved_once_and_conflicts_when_it_changed(house):
    editor = person("editor", house)
    body = visit(house)
    first = send(editor, "/api/v1/visits", body)
    assert first.status_code == 201, first.content
    assert send(editor, "/api/v1/visits", body).json() == first.json()
    assert VisitCount.objects.get().visits == 37
    stale = send(editor, "/api/v1/visits", visit(house, visits=40, base=30))
    assert stale.status_code == 409 and stale.json()["server"] == {"visits": 37}
    assert send(editor, "/api/v1/visits", visit(house, visits=40, base=37)).status_code == 200
    assert VisitCount.objects.get().visits == 40
    assert send(person("other_editor", house), "/api/v1/visits", visit(house, base=40)).status_code == 403
    bad = send(editor, "/api/v1/visits", visit(house, date="2030-01-01", purpose="fun"))
    assert bad.status_code == 400 and {"date", "purpose"} <= set(bad.json()["errors"])
