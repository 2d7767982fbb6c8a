"""The events' yearly tallies (`events.tallies`) after every kind of write to sessions and attendance: each
test writes one way, checks the figures it expects, and that the stored tallies are exactly a count of the
rows (`tallies.differences()`), so that no path leaves the indicators an old figure."""

import datetime as dt
import json
import uuid
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from events import tallies
from events.checking_in import check_in_ticket, undo_check_in
from events.importers import AttendanceImporter
from events.models import Attendance, EventPage, Session, SessionChange, SessionTally
from events.registering import register
from events.self_check_in import self_check_in
from institutions.record_rules import MAX_ATTENDEES
from tests.institutions.factories import InstitutionPageFactory

from .conftest import publish
from .factories import HANOI, EventPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def countings(monkeypatch) -> list[set]:
    """The events counted again, one set per counting."""
    calls = []
    count_again = tallies.recount.count_again

    def noted(keys):
        calls.append(set(keys))
        count_again(keys)

    monkeypatch.setattr(tallies.recount, "count_again", noted)
    return calls


@pytest.fixture(autouse=True)
def counted_exactly():
    """After each test, every stored tally is what the rows say, and nothing else is stored."""
    yield
    assert tallies.differences() == []


def figures(event, year: int = 2025, *names: str) -> tuple:
    tally = SessionTally.objects.filter(event=event, year=year).first()
    names = names or ("sessions", "headcounts", "attendance", "checked_sessions", "checked_in", "recorded")
    return tuple(getattr(tally, name) for name in names) if tally else None


@pytest.fixture
def library(db):
    return InstitutionPageFactory(code="TV-A", kind="library", level="district", sector="public")


def weekly(institution, start=dt.datetime(2025, 3, 3, 8, 0, tzinfo=HANOI), count=3, **kwargs) -> EventPage:
    return publish(
        EventPageFactory(
            parent=institution,
            start=start,
            end=start + dt.timedelta(hours=2),
            rrule=f"FREQ=WEEKLY;COUNT={count}",
            **kwargs,
        )
    )


def sessions_of(event) -> list[Session]:
    return list(Session.objects.filter(event=event).order_by("start"))


def test_publishing_counts_the_event_s_sessions(library):
    event = weekly(library)
    assert figures(event) == (3, 0, 0, 0, 0, 0)


def test_a_headcount_saved_replaced_and_deleted_is_counted_each_time(library):
    event = weekly(library)
    first, second, _third = sessions_of(event)
    record = Attendance.objects.create(session=first, attendees=12)
    Attendance.objects.create(session=second, attendees=8)
    assert figures(event) == (3, 2, 20, 0, 0, 2)
    record.attendees = 30
    record.save()
    assert figures(event) == (3, 2, 38, 0, 0, 2)
    record.delete()
    assert figures(event) == (3, 1, 8, 0, 0, 1)
    Attendance.objects.filter(session__event=event).delete()  # a query's deletion
    assert figures(event) == (3, 0, 0, 0, 0, 0)


def test_a_headcount_moved_to_a_session_of_another_event_is_counted_for_both(library):
    one, other = weekly(library), weekly(library, count=1)
    record = Attendance.objects.create(session=sessions_of(one)[0], attendees=12)
    record.session = sessions_of(other)[0]
    record.save()
    assert figures(one, 2025, "attendance") == (0,)
    assert figures(other, 2025, "attendance") == (12,)


def test_a_headcount_above_the_cap_is_kept_apart_but_is_a_record(library):
    event = weekly(library, count=1)
    Attendance.objects.create(session=sessions_of(event)[0], attendees=MAX_ATTENDEES + 1)
    assert figures(event, 2025, "headcounts", "attendance", "recorded", "people") == (
        0,
        0,
        1,
        MAX_ATTENDEES + 1,
    )


def test_a_cancelled_session_is_not_held_but_its_record_stays_a_record(library):
    event = weekly(library)
    first = sessions_of(event)[0]
    Attendance.objects.create(session=first, attendees=12)
    event.changes.add(SessionChange(original_date=dt.date(2025, 3, 3), cancelled=True))
    event = publish(event)
    assert figures(event) == (2, 0, 0, 0, 0, 1)


def test_a_session_moved_into_another_year_moves_its_headcount(library):
    event = weekly(library, start=dt.datetime(2025, 12, 23, 8, 0, tzinfo=HANOI), count=2)
    last = sessions_of(event)[-1]
    Attendance.objects.create(session=last, attendees=40)
    event.changes.add(
        SessionChange(
            original_date=dt.date(2025, 12, 30), new_start=dt.datetime(2026, 1, 2, 8, 0, tzinfo=HANOI)
        )
    )
    event = publish(event)
    assert figures(event, 2025, "sessions", "attendance") == (1, 0)
    assert figures(event, 2026, "sessions", "attendance") == (1, 40)


def test_a_session_s_own_save_and_deletion_are_counted(library):
    event = weekly(library)
    first, second, _third = sessions_of(event)
    first.status = "cancelled"
    first.save()
    assert figures(event, 2025, "sessions") == (2,)
    first.start = dt.datetime(2024, 12, 30, 8, 0, tzinfo=HANOI)
    first.status = "scheduled"
    first.save()
    assert figures(event, 2024, "sessions") == (1,)
    second.delete()
    assert figures(event, 2025, "sessions") == (1,)


def test_a_deletion_of_many_sessions_counts_each_event_once(library, countings):
    one, other = weekly(library, count=5), weekly(library, count=4)
    countings.clear()
    Session.objects.filter(event__in=[one, other]).delete()
    assert sorted(countings, key=min) == [{one.pk}, {other.pk}]
    assert figures(one) is None and figures(other) is None


def test_unpublishing_keeps_the_recorded_sessions_and_their_figures(library):
    event = weekly(library)
    Attendance.objects.create(session=sessions_of(event)[1], attendees=9)
    event.unpublish()
    assert figures(event) == (1, 1, 9, 0, 0, 1)  # what the indicators read only while the event is live
    publish(EventPage.objects.get(pk=event.pk))
    assert figures(event) == (3, 1, 9, 0, 0, 1)


def test_deleting_an_event_or_its_institution_removes_its_tallies(library):
    event = weekly(library)
    event.delete()
    other = weekly(library)
    library.delete()
    assert not SessionTally.objects.filter(event_id__in=[event.pk, other.pk]).exists()


def test_moving_the_event_to_another_institution_moves_its_figures(admin_client, library):
    museum = InstitutionPageFactory(code="BT-A", kind="museum")
    for page in (library, museum):
        page.save_revision().publish()
    event = weekly(library)
    Attendance.objects.create(session=sessions_of(event)[0], attendees=14)
    response = admin_client.post(reverse("wagtailadmin_pages:move_confirm", args=[event.pk, museum.pk]))
    assert response.status_code == 302
    assert SessionTally.objects.get(event=event).institution_id == museum.pk


def test_publishing_the_institution_writes_its_events_sessions_again(library):
    event = weekly(library)
    library.save_revision().publish()
    assert figures(event, 2025, "sessions") == (3,)


def test_the_nightly_extension_counts_the_new_sessions(settings, library, frozen_now):
    settings.EVENTS_SESSION_HORIZON_DAYS = 30
    event = publish(
        EventPageFactory(
            parent=library,
            start=dt.datetime(2026, 11, 2, 8, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 11, 2, 9, 0, tzinfo=HANOI),
            rrule="FREQ=WEEKLY",
        )
    )
    before = figures(event, 2026, "sessions")
    settings.EVENTS_SESSION_HORIZON_DAYS = 120
    call_command("extend_sessions", stdout=StringIO())
    assert figures(event, 2026, "sessions") == (9,) != before
    assert figures(event, 2027, "sessions")[0] > 0


def test_check_ins_by_ticket_and_by_phone_and_their_undoing_are_counted(frozen_now, library):
    event = publish(
        EventPageFactory(
            parent=library,
            start=dt.datetime(2026, 12, 5, 8, 0, tzinfo=HANOI),
            registration_mode="required",
            capacity=5,
        )
    )
    session = event.sessions.get()
    ticket = register(session, seats=2, name="Lan", phone="0912345678").registration
    check_in_ticket(ticket, session, None)
    self_check_in(session, "phone-1", frozen_now)
    assert figures(event, 2026, "checked_sessions", "checked_in", "recorded") == (1, 3, 1)
    undo_check_in(ticket, session)
    assert figures(event, 2026, "checked_in") == (1,)
    Attendance.objects.create(session=session, attendees=4)  # a headcount typed wins over check-ins
    assert figures(event, 2026, "checked_sessions", "checked_in", "attendance") == (0, 0, 4)


def test_the_attendance_screen_counts_what_it_saves(client, superuser, weekly_class):
    first, second = Session.objects.filter(event=weekly_class).order_by("start")[:2]
    query = f"institution={weekly_class.get_parent().pk}&first_day=2026-12-01&last_day=2026-12-07"
    with time_machine.travel(dt.datetime(2027, 1, 5, 9, 0, tzinfo=HANOI), tick=False):
        client.force_login(superuser)  # after the sessions, when the attendance is typed
        response = client.post(
            f"{reverse('events_attendance_entry')}?{query}",
            {f"s{first.pk}-attendees": "25", f"s{second.pk}-attendees": "30"},
        )
        assert response.status_code == 302
        client.post(  # the first one's box emptied: its record removed
            f"{reverse('events_attendance_entry')}?{query}",
            {f"s{first.pk}-attendees": "", f"s{second.pk}-attendees": "30"},
        )
    assert figures(weekly_class, 2026, "headcounts", "attendance") == (1, 30)


def test_the_entry_api_of_the_offline_app_counts_what_it_saves(admin_client, frozen_now, library):
    event = weekly(library, start=dt.datetime(2026, 11, 3, 8, 0, tzinfo=HANOI))
    body = {"id": str(uuid.uuid4()), "session": sessions_of(event)[0].pk, "attendees": 17, "base": None}
    response = admin_client.post("/api/v1/attendance", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    assert figures(event, 2026, "attendance") == (17,)


def test_the_attendance_import_counts_each_event_once(frozen_now, library, countings):
    event = weekly(library, start=dt.datetime(2026, 11, 3, 8, 0, tzinfo=HANOI), uid="clb@test")
    rows = [f"TV-A,clb@test,2026-11-{day:02d} 08:00,{day},,,," for day in (3, 10, 17)]
    data = "\ufeffinstitution_code,event_uid,session_start,attendees,children,women,disabled,note\n"
    countings.clear()
    with translation.override("en"):
        report = AttendanceImporter().run((data + "\n".join(rows) + "\n").encode())
    assert report.ok, report.errors
    assert figures(event, 2026, "headcounts", "attendance") == (3, 30)
    assert countings == [{event.pk}]


def test_rebuilding_counts_everything_again(library):
    event = weekly(library)
    Attendance.objects.create(session=sessions_of(event)[0], attendees=12)
    SessionTally.objects.update(attendance=999)  # a write around the tallies
    assert tallies.differences() != []
    assert tallies.rebuild() == 1
    assert figures(event, 2025, "attendance") == (12,)
