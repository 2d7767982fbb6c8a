"""The benchmark's check-in and entry rows (`manage.py bench`, SPEC §9–10): a self check-in's POST from the
poster's link (each a new phone), and the offline app's `POST /api/v1/attendance` and `/api/v1/visits`
(each a new entry id, replacing the figure sent before). They need a session on now: the measured session
is moved to now for the while, and everything is put back afterwards (its times and counter; the
check-ins, the records, the receipts and the measuring user are deleted), so that the kept database stays
as generated."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import time
import uuid

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import tallies as session_tallies
from events.models import Attendance, CheckIn, Session
from events.self_check_in import self_check_in_url
from institutions.models import EntryReceipt, VisitCount


@contextlib.contextmanager
def session_on_now(session: Session):
    before = Session.objects.filter(pk=session.pk).values("start", "end", "checked_in").get()
    now = timezone.now()
    with session_tallies.counting():  # the session may move to another year
        Session.objects.filter(pk=session.pk).update(
            start=now - dt.timedelta(minutes=10), end=now + dt.timedelta(hours=2)
        )
        session_tallies.changed([session.event_id])
    user = get_user_model().objects.create_superuser(
        f"bench-{uuid.uuid4().hex[:8]}", password=uuid.uuid4().hex
    )
    today = timezone.localdate()
    had_attendance = Attendance.objects.filter(session=session).exists()
    try:
        yield user
    finally:
        CheckIn.objects.filter(session=session).delete()
        if not had_attendance:
            Attendance.objects.filter(session=session).delete()
        VisitCount.objects.filter(
            institution_id=session.institution_id, date=today, purpose="learning"
        ).delete()
        EntryReceipt.objects.filter(user=user).delete()
        user.delete()
        with session_tallies.counting():
            Session.objects.filter(pk=session.pk).update(**before)
            session_tallies.changed([session.event_id])


def signed_in_with_a_code(client, user) -> None:
    """The superuser's session as after its second factor (production asks superusers for one)."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_static.models import StaticDevice

    device = StaticDevice.objects.create(user=user, name="bench")  # deleted with the user
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def timed(runs: int, send) -> tuple[list[float], int]:
    with CaptureQueriesContext(connection) as captured:
        send(0)
    queries = len(captured)
    times = []
    for number in range(1, runs + 1):
        started = time.perf_counter()
        send(number)
        times.append((time.perf_counter() - started) * 1000)
    return times, queries


def check_in_rows(session: Session, runs: int):
    """(name, times in ms, queries) of each row."""
    with session_on_now(session) as user:
        visitor = Client(HTTP_HOST="localhost")
        url = self_check_in_url(session.event)
        path = url[url.index("/diem-danh/") :]

        def check_in(number: int):
            visitor.cookies.clear()  # a new phone
            address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
            response = visitor.post(path, REMOTE_ADDR=address)
            if response.status_code != 200:
                raise RuntimeError(f"a self check-in answered {response.status_code}")

        yield ("self check-in POST (a new phone each)", *timed(runs, check_in))

        staff = Client(HTTP_HOST="localhost")  # CSRF is not checked by the test client
        staff.force_login(user)
        signed_in_with_a_code(staff, user)
        versions = {"attendance": None, "visits": None}

        def send(url: str, kind: str, body: dict):
            body = {**body, "id": str(uuid.uuid4()), "base": versions[kind]}
            response = staff.post(url, json.dumps(body), content_type="application/json")
            if response.status_code not in (200, 201):
                raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
            versions[kind] = response.json()["version"]

        def attendance(number: int):
            send("/api/v1/attendance", "attendance", {"session": session.pk, "attendees": 10 + number % 50})

        def visits(number: int):
            day = timezone.localdate().isoformat()
            body = {
                "institution": session.institution_id,
                "date": day,
                "visits": number,
                "purpose": "learning",
            }
            send("/api/v1/visits", "visits", body)

        yield ("attendance entry POST (API)", *timed(runs, attendance))
        yield ("door count entry POST (API)", *timed(runs, visits))
