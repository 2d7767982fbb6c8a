"""Moving an event to another institution moves its stored sessions with it, in the same transaction:
the API, the filters, the feeds, the entry screen and the statistics follow at once."""

import datetime as dt

import pytest
from django.urls import reverse

from events.models import Attendance, Session
from institutions.models import AdministrativeUnit
from portal.indicators import compute
from tests.institutions.factories import InstitutionPageFactory

from .conftest import publish
from .factories import HANOI, EventPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(admin_client, frozen_now):
    library = InstitutionPageFactory(code="TV-CL", title="Thư viện Can Lộc", kind="library")
    museum = InstitutionPageFactory(
        code="BT-TINH",
        title="Bảo tàng tỉnh",
        kind="museum",
        level="province",
        unit=AdministrativeUnit.objects.for_code("18373"),
    )
    for page in (library, museum):
        page.save_revision().publish()
    event = publish(
        EventPageFactory(
            parent=library,
            title="Câu lạc bộ di sản",
            start=dt.datetime(2026, 11, 3, 8, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 11, 3, 10, 0, tzinfo=HANOI),
            rrule="FREQ=WEEKLY;COUNT=6",
        )
    )
    past = Session.objects.filter(event=event).order_by("start").first()
    Attendance.objects.create(session=past, attendees=14)
    response = admin_client.post(reverse("wagtailadmin_pages:move_confirm", args=[event.pk, museum.pk]))
    assert response.status_code == 302
    return {"event": event, "library": library, "museum": museum}


def test_sessions_follow_the_moved_event(client, moved):
    event, museum = moved["event"], moved["museum"]
    assert set(Session.objects.filter(event=event).values_list("institution_id", flat=True)) == {museum.pk}
    rows = client.get(reverse("events:api-sessions")).json()["results"]
    assert {(row["institution_code"], row["unit_code"]) for row in rows} == {("BT-TINH", "18373")}
    assert all("/bao-tang-tinh/" in row["url"] for row in rows)


def test_filters_and_feeds_follow_the_moved_event(client, moved):
    api = reverse("events:api-sessions")
    assert client.get(api, {"institution": "TV-CL"}).json()["count"] == 0
    assert client.get(api, {"institution": "BT-TINH"}).json()["count"] == 6
    assert client.get(api, {"area": "443"}).json()["count"] == 0
    uid = moved["event"].uid.encode()
    assert uid in client.get(reverse("events:institution-feed", args=["BT-TINH"])).content
    assert uid not in client.get(reverse("events:institution-feed", args=["TV-CL"])).content


def test_attendance_entry_and_statistics_follow_the_moved_event(admin_client, moved):
    query = "?institution={}&first_day=2026-11-01&last_day=2026-11-30"
    screen = admin_client.get(reverse("events_attendance_entry") + query.format(moved["museum"].pk))
    assert len(screen.context["rows"]) == 4
    screen = admin_client.get(reverse("events_attendance_entry") + query.format(moved["library"].pk))
    assert len(screen.context["rows"]) == 0

    rows = {(r.indicator, r.group): r for r in compute(2026)}
    assert rows["museum_study_visits", "museum_all"].value == 14
    assert rows["library_learning_uses", "library_all"].value is None
