"""Registration for sessions (SPEC §9): the form, the ticket, the waiting list, never overbooked."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.test import override_settings

from events.models import EventPage, Registration, Session, token_hash
from events.registering import CapacityTooLow, cancel, register, set_capacity
from tests.events.conftest import publish
from tests.events.factories import HANOI, EventPageFactory

pytestmark = pytest.mark.django_db

FORM = {
    "name": "Nguyễn Thị Lan",
    "phone": "0912 345 678",
    "email": "",
    "seats": "1",
    "note": "",
    "consent": "on",
    "website": "",
}


def course(**fields) -> EventPage:
    """Three Saturday mornings from 05/12/2026, taking registration (3 seats each unless told)."""
    values = {
        "title": "Lớp kỹ năng số",
        "start": dt.datetime(2026, 12, 5, 8, 0, tzinfo=HANOI),
        "rrule": "FREQ=WEEKLY;COUNT=3",
        "registration_mode": "required",
        "capacity": 3,
        **fields,
    }
    return publish(EventPageFactory(**values))


def first_session(event: EventPage) -> Session:
    return event.sessions.order_by("start").first()


def post(client, session, language="", **changes):
    return client.post(f"{language}/dang-ky/{session.pk}/", {**FORM, **changes})


def token_of(response) -> str:
    assert response.status_code == 303, response.content.decode()[:2000]
    match = re.fullmatch(r"(?:/en)?/ve/([A-Za-z0-9_-]+)/", response["Location"])
    assert match, response["Location"]
    return match.group(1)


def test_a_resident_registers_and_gets_a_ticket_with_a_qr_code(client, frozen_now):
    session = first_session(course())
    form = client.get(f"/dang-ky/{session.pk}/")
    assert form.status_code == 200
    page = form.content.decode()
    for name in ["name", "email", "phone", "seats", "note", "consent", "website"]:
        assert f'name="{name}"' in page
    assert "30 ngày" in page  # the consent says how long the data is kept

    token = token_of(post(client, session, email="lan@example.vn"))
    registration = Registration.objects.get()
    assert registration.token_hash == token_hash(token) and token not in registration.token_hash
    assert (registration.status, registration.seats, registration.name) == ("confirmed", 1, "Nguyễn Thị Lan")
    assert registration.phone == "0912345678" and registration.consent_version and registration.consent_at
    session.refresh_from_db()
    assert (session.seats_taken, session.waiting) == (1, 0)

    ticket = client.get(f"/ve/{token}/")
    text = ticket.content.decode()
    assert ticket.status_code == 200 and "no-store" in ticket["Cache-Control"]
    assert "Đã xác nhận" in text and "Lớp kỹ năng số" in text and "05/12/2026" in text
    assert "<svg" in text and 'class="ticket-qr"' in text
    assert f"/ve/{token}/huy/" in text and f"/ve/{token}/lich.ics" in text
    calendar = client.get(f"/ve/{token}/lich.ics")
    assert (
        calendar["Content-Type"].startswith("text/calendar") and "Lớp kỹ năng số".encode() in calendar.content
    )


def test_the_qr_code_is_a_link_for_staff_not_the_ticket(client, frozen_now):
    from events.tickets import scan_url

    session = first_session(course())
    token = token_of(post(client, session))
    registration = Registration.objects.get()
    url = scan_url(registration)
    assert token not in url and "/ve/quet/" in url
    anonymous = client.get(url.removeprefix("http://testserver"))
    assert anonymous.status_code == 200 and "cửa" in anonymous.content.decode()  # show it at the door


def test_english_pages_answer_under_en(client, frozen_now):
    session = first_session(course())
    assert "Register" in client.get(f"/en/dang-ky/{session.pk}/").content.decode()
    response = post(client, session, language="/en")
    assert response["Location"].startswith("/en/ve/")
    assert "Confirmed" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"phone": "", "email": ""}, None, "số điện thoại hoặc email"),
        ({"phone": "12345"}, "phone", "số điện thoại"),
        ({"email": "lan@"}, "email", "email"),
        ({"seats": "5"}, "seats", "4"),
        ({"seats": "0"}, "seats", "1"),
        ({"consent": ""}, "consent", "Đánh dấu"),
        ({"name": ""}, "name", "bắt buộc"),
        ({"website": "http://spam.example"}, "website", "để trống"),
    ],
)
def test_a_bad_form_keeps_what_was_typed_and_says_what_is_wrong(client, frozen_now, changes, field, message):
    session = first_session(course())
    response = post(client, session, note="Tôi đi cùng cháu", **changes)
    assert response.status_code == 400
    text = response.content.decode()
    assert message in text
    assert "Tôi đi cùng cháu" in text  # nothing typed is lost
    assert not Registration.objects.exists()


def test_vietnamese_phone_numbers(client, frozen_now):
    from events.registration_forms import validate_phone

    assert validate_phone("+84 912 345 678") == "0912345678"
    assert validate_phone("0239.3855.123") == "02393855123"
    for wrong in ["0112345678", "091234567", "+1 202 555 0100", "abc"]:
        with pytest.raises(Exception, match="số điện thoại|phone"):
            validate_phone(wrong)


def test_a_full_session_puts_people_on_the_waiting_list_and_a_cancellation_promotes_the_first(
    client, frozen_now
):
    session = first_session(course(capacity=2))
    tokens = [token_of(post(client, session, name=f"Người {n}")) for n in range(4)]
    statuses = list(Registration.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert "Số 2 trong danh sách chờ" in client.get(f"/ve/{tokens[3]}/").content.decode()
    session.refresh_from_db()
    assert (session.seats_taken, session.waiting) == (2, 2)

    asked = client.get(f"/ve/{tokens[0]}/huy/")
    assert asked.status_code == 200 and "<form" in asked.content.decode()
    assert Registration.objects.get(name="Người 0").status == "confirmed"  # GET only asks
    assert client.post(f"/ve/{tokens[0]}/huy/").status_code == 303
    statuses = dict(Registration.objects.values_list("name", "status"))
    assert statuses == {
        "Người 0": "cancelled",
        "Người 1": "confirmed",
        "Người 2": "confirmed",
        "Người 3": "waitlisted",
    }
    assert "Số 1 trong danh sách chờ" in client.get(f"/ve/{tokens[3]}/").content.decode()
    session.refresh_from_db()
    assert (session.seats_taken, session.waiting) == (2, 1)


def test_the_queue_is_kept_whole_registrations_first_come_first_served(frozen_now, time_machine):
    session = first_session(course(capacity=3))
    time_machine.move_to(frozen_now, tick=False)
    register(session, seats=2, name="A", phone="0912345678")
    # each later than the one before: distinct places in the queue
    time_machine.shift(dt.timedelta(seconds=5))
    register(session, seats=2, name="B", phone="0912345678")  # does not fit: waits
    time_machine.shift(dt.timedelta(seconds=5))
    register(session, seats=1, name="C", phone="0912345678")  # would fit, but B is first
    assert dict(Registration.objects.values_list("name", "status")) == {
        "A": "confirmed",
        "B": "waitlisted",
        "C": "waitlisted",
    }
    cancel(Registration.objects.get(name="A"))
    assert dict(Registration.objects.values_list("name", "status")) == {
        "A": "cancelled",
        "B": "confirmed",
        "C": "confirmed",
    }
    session.refresh_from_db()
    assert session.seats_taken == 3


def test_without_a_waiting_list_a_full_session_is_refused_with_a_message_not_a_form(client, frozen_now):
    session = first_session(course(capacity=1, waitlist=False))
    token_of(post(client, session))
    page = client.get(f"/dang-ky/{session.pk}/")
    assert "đã hết chỗ" in page.content.decode() and 'name="consent"' not in page.content.decode()
    refused = post(client, session, name="Người sau")
    assert refused.status_code == 409 and "danh sách chờ" in refused.content.decode()
    assert Registration.objects.count() == 1


def test_closed_not_yet_open_and_cancelled_sessions_take_no_registration(client, frozen_now):
    event = course(registration_opens=dt.datetime(2026, 11, 30, 8, 0, tzinfo=HANOI))
    session = first_session(event)
    assert "chưa mở" in client.get(f"/dang-ky/{session.pk}/").content.decode()
    assert post(client, session).status_code == 409
    EventPage.objects.filter(pk=event.pk).update(
        registration_opens=None, registration_closes=dt.datetime(2026, 11, 25, 8, 0, tzinfo=HANOI)
    )
    assert "đã đóng" in client.get(f"/dang-ky/{session.pk}/").content.decode()
    Session.objects.filter(pk=session.pk).update(status="cancelled")
    EventPage.objects.filter(pk=event.pk).update(registration_closes=None)
    assert "đã bị hủy" in client.get(f"/dang-ky/{session.pk}/").content.decode()
    assert not Registration.objects.exists()
    plain = publish(EventPageFactory(title="Nói chuyện chuyên đề"))
    assert client.get(f"/dang-ky/{first_session(plain).pk}/").status_code == 200
    assert post(client, first_session(plain)).status_code == 409


def test_a_course_registered_as_a_whole_holds_a_seat_in_each_session_all_or_nothing(client, frozen_now):
    event = course(capacity=2, whole_course=True)
    sessions = list(event.sessions.order_by("start"))
    set_capacity(sessions[2], 1)  # the last meeting is in a smaller room
    token_of(post(client, sessions[1], name="A"))  # any session of the course registers for all of it
    registration = Registration.objects.get()
    assert registration.whole_course and set(registration.places.all()) == set(sessions)
    assert registration.session == sessions[0]
    assert [s.seats_taken for s in event.sessions.order_by("start")] == [1, 1, 1]
    token_of(post(client, sessions[0], name="B"))  # the last meeting is full: B waits for all of it
    assert Registration.objects.get(name="B").status == "waitlisted"
    assert [s.seats_taken for s in event.sessions.order_by("start")] == [1, 1, 1]
    cancel(registration)
    assert Registration.objects.get(name="B").status == "confirmed"
    assert [s.seats_taken for s in event.sessions.order_by("start")] == [1, 1, 1]


def test_lowering_the_seats_below_those_taken_is_refused(client, frozen_now):
    event = course(capacity=3)
    session = first_session(event)
    for n in range(2):
        register(session, seats=1, name=f"N{n}", phone="0912345678")
    with pytest.raises(CapacityTooLow):
        set_capacity(session, 1)
    session.refresh_from_db()
    assert session.capacity is None and session.seats_taken == 2
    event = EventPage.objects.get(pk=event.pk)
    event.capacity = 1
    with pytest.raises(Exception, match="đã có 2 chỗ"):
        event.full_clean()
    set_capacity(session, 2)
    event.full_clean()  # the session keeps its own number


def test_raising_the_seats_promotes_the_waiting_list(frozen_now):
    session = first_session(course(capacity=1))
    register(session, seats=1, name="A", phone="0912345678")
    register(session, seats=1, name="B", phone="0912345678")
    promoted = set_capacity(session, 2)
    assert [r.name for r in promoted] == ["B"]


@override_settings(REGISTRATION_RATE_LIMIT="3/h")
def test_too_many_registrations_from_one_address_get_a_429(client, frozen_now):
    session = first_session(course(capacity=10))
    for n in range(3):
        token_of(post(client, session, name=f"N{n}"))
    refused = post(client, session, name="Thứ tư")
    assert refused.status_code == 429 and "Quá nhiều" in refused.content.decode()
    assert Registration.objects.count() == 3
    with override_settings(REGISTRATION_RATE_LIMIT="0"):
        token_of(post(client, session, name="N4"))


def test_a_resident_erases_their_own_data_from_the_ticket(client, frozen_now):
    session = first_session(course())
    token = token_of(post(client, session, email="lan@example.vn", note="Cần ghế"))
    assert client.get(f"/ve/{token}/xoa-du-lieu/").status_code == 200
    assert client.post(f"/ve/{token}/xoa-du-lieu/").status_code == 303
    registration = Registration.objects.get()
    assert (registration.name, registration.phone, registration.email, registration.note) == ("", "", "", "")
    assert registration.erased_at and registration.status == "confirmed" and registration.seats == 1
    assert "Nguyễn Thị Lan" not in client.get(f"/ve/{token}/").content.decode()


def test_erase_personal_data_after_the_retention_period_keeps_the_counts(frozen_now, time_machine):
    event = course()
    sessions = list(event.sessions.order_by("start"))
    register(sessions[0], seats=2, name="Cũ", phone="0912345678")
    register(sessions[2], seats=1, name="Mới", phone="0912345678")
    # 05/12 + 31 days: the first session ended more than 30 days ago, the third (19/12) not
    time_machine.move_to(dt.datetime(2027, 1, 6, 12, 0, tzinfo=HANOI))
    call_command("erase_personal_data")
    assert dict(Registration.objects.values_list("seats", "name")) == {2: "", 1: "Mới"}
    assert Registration.objects.get(seats=2).erased_at is not None
    assert Session.objects.get(pk=sessions[0].pk).seats_taken == 2


def test_an_unknown_ticket_is_not_found(client):
    assert client.get("/ve/khong-co-ve-nay-123/").status_code == 404
    assert client.post("/ve/khong-co-ve-nay-123/huy/").status_code == 404


def test_seats_left_on_the_event_page_the_listing_and_the_api(
    client, frozen_now, django_assert_max_num_queries
):
    event = course(capacity=3)
    session = first_session(event)
    register(session, seats=2, name="A", phone="0912345678")
    page = client.get(event.url).content.decode()
    assert "Còn 1 chỗ" in page and f"/dang-ky/{session.pk}/" in page
    listing = client.get("/lich-hoat-dong/?registration=open").content.decode()
    assert "Còn 1 chỗ" in listing
    data = client.get("/api/v1/sessions?registration=open").json()
    first = next(r for r in data["results"] if r["start"].startswith("2026-12-05"))
    assert {
        k: first[k]
        for k in ["registration", "capacity", "seats_taken", "seats_left", "waitlist", "checked_in"]
    } == {
        "registration": "required",
        "capacity": 3,
        "seats_taken": 2,
        "seats_left": 1,
        "waitlist": 0,
        "checked_in": 0,
    }
    # full without a waiting list: not taking registrations; an event without registration neither
    EventPage.objects.filter(pk=event.pk).update(waitlist=False)
    register(session, seats=1, name="B", phone="0912345678")
    publish(EventPageFactory(title="Không cần đăng ký"))
    open_starts = [
        r["start"][:10] for r in client.get("/api/v1/sessions?registration=open").json()["results"]
    ]
    assert open_starts == ["2026-12-12", "2026-12-19"]
    everything = client.get("/api/v1/sessions").json()["results"]
    assert {r["registration"] for r in everything} == {"required", "none"}
    assert "Hết chỗ" in client.get(event.url).content.decode()


def test_seats_cost_no_query_per_session_on_the_listing_the_event_page_and_the_api(client, frozen_now):
    from django.core.cache import caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(url: str) -> int:
        for cache in caches.all():
            cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def figures(event) -> list[int]:
        return [
            queries(event.url),
            queries("/api/v1/sessions?registration=open"),
            queries("/lich-hoat-dong/?view=month"),
        ]

    event = course(rrule="FREQ=WEEKLY;COUNT=2", capacity=5)
    register(first_session(event), seats=1, name="A", phone="0912345678")
    figures(event)  # the first requests read what a process keeps afterwards (content types, sites)
    before = figures(event)
    event.rrule = "FREQ=DAILY;COUNT=20"
    event = publish(event)
    assert event.sessions.count() == 20
    assert figures(event) == before


def test_email_url_and_the_rate_limit_setting_are_read_as_the_readme_says(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from core.rate_limit import parse_rate
    from portal.settings.base import email_from_env

    assert email_from_env("smtp+tls://thu%40vien:m%E1%BA%ADt@mail.hatinh.gov.vn:587") == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.hatinh.gov.vn",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "thu@vien",
        "EMAIL_HOST_PASSWORD": "mật",
        "EMAIL_USE_TLS": True,
        "EMAIL_USE_SSL": False,
    }
    assert email_from_env("smtps://a:b@mail:465")["EMAIL_USE_SSL"] is True
    assert email_from_env("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    with pytest.raises(ValueError, match="EMAIL_URL"):
        email_from_env("http://mail")
    assert parse_rate("20/h") == (20, 3600) and parse_rate("0") == (0, 0) and parse_rate("5/10m") == (5, 600)
    settings.REGISTRATION_RATE_LIMIT = "twenty an hour"
    with pytest.raises(SystemCheckError, match="REGISTRATION_RATE_LIMIT"):
        call_command("check")


def test_more_seats_than_the_session_has_are_refused_not_queued_forever(client, frozen_now):
    session = first_session(course(capacity=3, max_seats=4))
    refused = post(client, session, seats="4")
    assert refused.status_code == 409 and "chỉ có 3 chỗ" in refused.content.decode()
    assert not Registration.objects.exists()


def test_more_seats_given_in_the_editor_go_to_the_waiting_list(frozen_now):
    event = course(capacity=1)
    session = first_session(event)
    register(session, seats=1, name="A", phone="0912345678")
    register(session, seats=1, name="B", phone="0912345678")
    event.capacity = 2
    publish(event)
    assert dict(Registration.objects.values_list("name", "status")) == {"A": "confirmed", "B": "confirmed"}
    assert (Session.objects.get(pk=session.pk).seats_taken, Session.objects.get(pk=session.pk).waiting) == (
        2,
        0,
    )


def test_a_date_added_to_a_course_holds_its_registrations_seats(frozen_now):
    from events.models import EventDate

    event = course(capacity=5, whole_course=True)
    register(first_session(event), seats=2, name="A", phone="0912345678")
    event.dates.add(EventDate(kind=EventDate.Kind.EXTRA, date=dt.date(2026, 12, 26)))
    event = publish(event)
    added = event.sessions.get(start__date=dt.date(2026, 12, 26))
    assert Registration.objects.get().places.filter(pk=added.pk).exists()
    assert (added.seats_taken, added.waiting) == (2, 0)
