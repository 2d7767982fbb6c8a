"""Registration mail (SPEC §9): queued by the request, sent by the worker through a real SMTP server that
the test starts (aiosmtpd), and read back: headers, Vietnamese text, the calendar attachment."""

from __future__ import annotations

import datetime as dt
import re
import time
from urllib.parse import urlencode

import pytest
from django.core.management import call_command

from events.models import Registration
from events.registering import cancel, register
from tests.events.conftest import publish
from tests.events.factories import HANOI, EventPageFactory
from tests.mail import subject_of, text_of, work_off_the_queue
from tests.servers import Person, site_served


def workshop(**fields):
    values = {
        "title": "Tọa đàm “Sách và trẻ em”",
        "start": dt.datetime(2026, 12, 5, 8, 0, tzinfo=HANOI),
        "registration_mode": "required",
        "capacity": 1,
        **fields,
    }
    return publish(EventPageFactory(**values))


FORM = {"name": "Trần Văn Bình", "phone": "", "seats": "1", "note": "", "consent": "on", "website": ""}


@pytest.mark.django_db(transaction=False)
def test_the_confirmation_is_sent_by_the_worker_with_the_ticket_link_and_the_calendar(
    client, smtp_inbox, frozen_now, django_capture_on_commit_callbacks
):
    session = workshop().sessions.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/dang-ky/{session.pk}/", {**FORM, "email": "binh@example.vn"})
    assert response.status_code == 303
    assert smtp_inbox.messages == []  # never from the request itself
    work_off_the_queue()

    [message] = smtp_inbox.to("binh@example.vn")
    assert subject_of(message) == "Đã xác nhận chỗ: Tọa đàm “Sách và trẻ em”"
    assert "hoctap.hatinh.gov.vn" in message["From"]
    body = text_of(message)
    assert "Chào Trần Văn Bình," in body and "Đăng ký của bạn đã được xác nhận." in body
    assert "08:00 05/12/2026" in body
    assert f"http://testserver{response['Location']}" in body  # the ticket's own link
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar" and attachment.get_filename() == "lich.ics"
    calendar = attachment.get_content()
    calendar = calendar.decode() if isinstance(calendar, bytes) else calendar
    assert "BEGIN:VEVENT" in calendar and "Sách và trẻ em" in calendar
    # the token waited in the queue's row until the message was sent, and is gone from it now
    from django_tasks_db.models import DBTaskResult

    token = response["Location"].split("/")[-2]
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").exists()
    assert not [
        row for row in DBTaskResult.objects.values_list("args_kwargs", flat=True) if token in str(row)
    ]


@pytest.mark.django_db
def test_the_waiting_list_the_promotion_and_a_cancelled_session_are_told(
    admin_client, smtp_inbox, frozen_now, django_capture_on_commit_callbacks
):
    event = workshop()
    session = event.sessions.get()
    with django_capture_on_commit_callbacks(execute=True):
        first = register(session, seats=1, name="Lan", email="lan@example.vn").registration
        register(session, seats=1, name="Minh", email="minh@example.vn")
        register(session, seats=1, name="Không email", phone="0912345678")
    work_off_the_queue()
    [waiting] = smtp_inbox.to("minh@example.vn")
    assert subject_of(waiting).startswith("Trong danh sách chờ") and "số 1 trong danh sách chờ" in text_of(
        waiting
    )

    with django_capture_on_commit_callbacks(execute=True):
        cancel(first)
    work_off_the_queue()
    promoted = smtp_inbox.to("minh@example.vn")[-1]
    assert subject_of(promoted) == "Bạn đã có chỗ: Tọa đàm “Sách và trẻ em”"
    assert "nay đã được xác nhận" in text_of(promoted)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            f"/admin/sessions/{session.pk}/roster/", {"action": "cancel_session", "note": "Mưa bão"}
        )
    assert response.status_code == 302
    work_off_the_queue()
    told = [m for m in smtp_inbox.messages if subject_of(m).startswith("Buổi bị hủy")]
    # Minh (confirmed) is told; Lan cancelled, and the third registrant gave no email
    assert [m["To"] for m in told] == ["minh@example.vn"]
    assert "Mưa bão" in text_of(told[0]) and "05/12/2026" in text_of(told[0])


@pytest.mark.django_db
def test_a_moved_session_is_told_with_its_new_time(
    smtp_inbox, frozen_now, django_capture_on_commit_callbacks
):
    from events.models import SessionChange

    event = workshop(rrule="FREQ=WEEKLY;COUNT=2")
    session = event.sessions.order_by("start").first()
    with django_capture_on_commit_callbacks(execute=True):
        register(session, seats=1, name="Lan", email="lan@example.vn")
    with django_capture_on_commit_callbacks(execute=True):
        event.changes.add(
            SessionChange(
                original_date=dt.date(2026, 12, 5), new_start=dt.datetime(2026, 12, 6, 14, 0, tzinfo=HANOI)
            )
        )
        publish(event)
    work_off_the_queue()
    moved = smtp_inbox.to("lan@example.vn")[-1]
    assert subject_of(moved) == "Buổi dời lịch: Tọa đàm “Sách và trẻ em”"
    assert "nay bắt đầu lúc 14:00 06/12/2026" in text_of(moved)
    assert [a.get_filename() for a in moved.iter_attachments()] == ["lich.ics"]


@pytest.mark.django_db
def test_nothing_is_sent_once_the_address_is_erased(
    smtp_inbox, frozen_now, django_capture_on_commit_callbacks
):
    session = workshop().sessions.get()
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(session, seats=1, name="Lan", email="lan@example.vn").registration
    Registration.objects.filter(pk=registration.pk).update(email="")
    work_off_the_queue()
    assert smtp_inbox.messages == []


SETUP = """
import datetime as dt, json
from django.utils import timezone
from events.models import EventPage
from institutions.models import AdministrativeUnit, InstitutionIndexPage, InstitutionPage
from wagtail.models import Site

Site.objects.filter(is_default_site=True).update(hostname="127.0.0.1", port=80)
directory = InstitutionIndexPage.objects.get()
institution = InstitutionPage(
    title="Thư viện xã Thạch Hà", slug="tv-thach-ha", code="TV-THACH", kind="library",
    level="commune", sector="public", unit=AdministrativeUnit.objects.for_code("443"),
)
directory.add_child(instance=institution)
institution.save_revision().publish()
start = timezone.now() + dt.timedelta(days=3)
event = EventPage(title="Lớp kỹ năng số cho phụ nữ", slug="ky-nang-so", start=start,
                  end=start + dt.timedelta(hours=2), registration_mode="required", capacity=20)
institution.add_child(instance=event)
event.save_revision().publish()
print(json.dumps({"session": event.sessions.get().pk}))
"""


def test_a_registration_on_the_served_site_is_mailed_by_the_worker_process(tmp_path, smtp_server):
    """gunicorn and `manage.py db_worker` as separate processes, as `make run` and production run them,
    with EMAIL_URL naming the test's SMTP server."""
    controller, inbox = smtp_server
    url = f"smtp://{controller.hostname}:{controller.port}"
    with site_served(
        tmp_path, SETUP, workers=1, worker=True, EMAIL_URL=url, REGISTRATION_RATE_LIMIT="0"
    ) as site:
        person = Person(site["port"])
        path = f"/dang-ky/{site['session']}/"
        fields = person.open(path)
        body = urlencode({**fields, **FORM, "email": "hoa@example.vn", "note": "Tôi mang theo điện thoại"})
        status, page = person.request("POST", path, body)
        assert status == 303, page[:800]
        ticket = person.location
        assert re.fullmatch(r"/ve/[A-Za-z0-9_-]{20,}/", ticket)
        deadline = time.monotonic() + 60
        while not inbox.to("hoa@example.vn"):
            assert time.monotonic() < deadline, site["log"].read_text()[-3000:]
            time.sleep(0.2)
    [message] = inbox.to("hoa@example.vn")
    assert subject_of(message) == "Đã xác nhận chỗ: Lớp kỹ năng số cho phụ nữ"
    # Mail links are made on WAGTAILADMIN_BASE_URL: in production https:// and the first allowed host.
    assert f"https://127.0.0.1{ticket}" in text_of(message)
    assert [a.get_filename() for a in message.iter_attachments()] == ["lich.ics"]


@pytest.mark.django_db
def test_a_reminder_comes_the_evening_before_once(
    smtp_inbox, frozen_now, time_machine, django_capture_on_commit_callbacks
):
    from events.models import Session

    session = workshop(start=dt.datetime(2026, 11, 27, 8, 0, tzinfo=HANOI), capacity=5).sessions.get()
    with django_capture_on_commit_callbacks(execute=True):
        register(session, seats=1, name="Lan", email="lan@example.vn")
        register(session, seats=1, name="Không email", phone="0912345678")
        cancelled = register(session, seats=1, name="Hủy", email="huy@example.vn").registration
        cancel(cancelled)
    work_off_the_queue()
    smtp_inbox.messages.clear()

    time_machine.move_to(dt.datetime(2026, 11, 26, 17, 55, tzinfo=HANOI))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders")
    work_off_the_queue()
    assert smtp_inbox.messages == []  # not before 18:00
    time_machine.move_to(dt.datetime(2026, 11, 26, 18, 5, tzinfo=HANOI))
    for _ in range(2):  # the job runs every few minutes: the reminder goes once
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders")
        work_off_the_queue()
    [reminder] = smtp_inbox.messages
    assert reminder["To"] == "lan@example.vn"
    assert subject_of(reminder) == "Ngày mai lúc 08:00: Tọa đàm “Sách và trẻ em”"
    assert "ngày mai, 08:00 27/11/2026" in text_of(reminder)
    assert Session.objects.get(pk=session.pk).status == "scheduled"
