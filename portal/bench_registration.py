"""The benchmark's registration rows (`manage.py bench`, SPEC §9).

In the process: the event page while its sessions take registrations (each showing its seats left), and a
registration's POST, each request a new registration. Against served processes (`make bench-postgres`
only): the race — several hundred people registering at the same moment for a session of 20 seats with a
waiting list, through two gunicorn servers (each its own master and 2 workers) that share PostgreSQL and
the cache (Redis: `scripts/with-redis.sh`), as a province deployment with several app servers runs. It
prints the confirmed, the waitlisted, the errors, the seats overbooked and the registrations per second.

Everything the rows add to the database is taken away again (the registrations, the counters, the event's
settings, the race's event), so that the kept SQLite database stays as generated.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.db.models import Max, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.public_cache import content_changed
from events.choices import RegistrationMode, SessionStatus
from events.models import EventPage, Registration, Session
from institutions.models import InstitutionPage

RACE_SEATS = 20
RACE_TARGET = 200  # registrations a second (the target)


def registration_session(event: EventPage | None = None) -> Session | None:
    """A session (of the event, or of any live one) that stays open for registration while the bench
    runs: it starts a day ahead at the earliest."""
    sessions = Session.objects.filter(event=event) if event else Session.objects.filter(event__live=True)
    return (
        sessions.filter(in_schedule=True, start__gte=timezone.now() + dt.timedelta(days=1))
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("event")
        .order_by("start", "pk")
        .first()
    )


@contextlib.contextmanager
def taking_registrations(event: EventPage, session: Session, capacity: int):
    """The event takes registrations (required, `capacity` seats a session, a waiting list) while the
    block runs; afterwards its settings, the session's counters and its registrations are as before."""
    fields = ("registration_mode", "capacity", "waitlist")
    before = EventPage.objects.filter(pk=event.pk).values(*fields).get()
    counters = Session.objects.filter(pk=session.pk).values("seats_taken", "waiting").get()
    last = Registration.objects.aggregate(last=Max("pk"))["last"] or 0
    EventPage.objects.filter(pk=event.pk).update(
        registration_mode=RegistrationMode.REQUIRED, capacity=capacity, waitlist=True
    )
    content_changed()
    try:
        yield
    finally:
        Registration.objects.filter(event=event, pk__gt=last).delete()
        Session.objects.filter(pk=session.pk).update(**counters)
        EventPage.objects.filter(pk=event.pk).update(**before)
        content_changed()


def form_data(number: int) -> dict[str, str]:
    """What a resident sends: a name, a phone number (no email: no mail queued), one seat, consent."""
    return {
        "name": f"Người đo {number}",
        "phone": f"0912 {number // 1000 % 1000:03d} {number % 1000:03d}",
        "email": "",
        "seats": "1",
        "note": "",
        "consent": "on",
        "website": "",
    }


def registration_posts(session: Session, runs: int) -> tuple[list[float], int]:
    """A registration's POST with the test client, each a new registration: the server times in ms of
    `runs` of them, and the queries of one more."""
    client = Client(HTTP_HOST="localhost")  # CSRF is not checked by the test client
    path = f"/dang-ky/{session.pk}/"
    if (status := client.get(path).status_code) != 200:
        raise RuntimeError(f"{path} answered {status}")

    def post(number: int):
        # Each from its own address: the per-address limit is checked (in the cache), never reached.
        address = f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"
        response = client.post(path, form_data(number), REMOTE_ADDR=address)
        if response.status_code != 303:
            raise RuntimeError(f"a registration answered {response.status_code}")

    with CaptureQueriesContext(connection) as captured:
        post(0)
    queries = len(captured)  # now: the next request empties the connection's log
    times = []
    for number in range(1, runs + 1):
        started = time.perf_counter()
        post(number)
        times.append((time.perf_counter() - started) * 1000)
    return times, queries


# The race, against served processes.


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def race_event(seats: int):
    """A new event with one session a week ahead: `seats` seats, a waiting list. Deleted afterwards."""
    institution = InstitutionPage.objects.live().order_by("pk").first()
    day = timezone.localdate() + dt.timedelta(days=7)
    start = dt.datetime.combine(day, dt.time(19, 0), tzinfo=timezone.get_default_timezone())
    event = EventPage(
        title="Đo tải: đăng ký cùng lúc",
        slug=f"do-tai-dang-ky-{int(time.time())}",
        start=start,
        end=start + dt.timedelta(hours=2),
        registration_mode=RegistrationMode.REQUIRED,
        capacity=seats,
        waitlist=True,
    )
    institution.add_child(instance=event)
    event.save_revision().publish()
    try:
        yield Session.objects.get(event=event)
    finally:
        EventPage.objects.get(pk=event.pk).delete()


@contextlib.contextmanager
def app_servers(count: int, workers: int, log_path: str, cache_url: str = ""):
    """`count` gunicorn servers (each its own master and `workers` workers) on their own ports, sharing
    the cache at `cache_url`, with the per-address limit off (every person of the race comes from
    127.0.0.1). Yields their ports."""
    gunicorn = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable), "gunicorn")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE, "REGISTRATION_RATE_LIMIT": "0"}
    if cache_url:
        env["CACHE_URL"] = cache_url
    ports = [free_port() for _ in range(count)]
    log = open(log_path, "w")  # noqa: SIM115 (open while the servers run)
    servers = [
        subprocess.Popen(
            [gunicorn, "portal.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
            + ["--log-level", "warning"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for port in ports
    ]
    try:
        for server, port in zip(servers, ports, strict=True):
            deadline = time.monotonic() + 60
            while True:
                try:
                    status, _headers, _page = request(port, "GET", "/bench/bare/")
                    if status == 200:
                        break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    with open(log_path) as written:
                        raise RuntimeError(f"gunicorn did not start:\n{written.read()[-3000:]}")
                time.sleep(0.2)
        yield ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        log.close()


def request(port: int, method: str, path: str, body: str | None = None, cookie: str = ""):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Host": "127.0.0.1"}
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def open_form(port: int, path: str) -> tuple[str, str]:
    """As a browser: GET the form; its CSRF cookie and token."""
    status, headers, page = request(port, "GET", path)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    cookies = [
        found.group(0)
        for name, value in headers
        if name.lower() == "set-cookie" and (found := re.match(r"[^=;]+=[^;]*", value))
    ]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise RuntimeError(f"GET {path}: no CSRF token in the form")
    return "; ".join(cookies), token.group(1)


def fire(ports: list[int], session_id: int, people: int) -> tuple[list, float]:
    """Each person opens the form on one of the servers (in turn), then all send it at the same
    moment. Their answers (a status, or the exception) and the seconds from the start to the last."""
    path = f"/dang-ky/{session_id}/"
    barrier = threading.Barrier(people + 1)
    answers: list = [None] * people
    finished = [0.0] * people

    def person(index):
        port = ports[index % len(ports)]
        try:
            cookie, token = open_form(port, path)
        except Exception as error:  # noqa: BLE001 (counted as an error)
            answers[index] = error
            barrier.wait()
            return
        body = urlencode({"csrfmiddlewaretoken": token, **form_data(index)})
        barrier.wait()
        try:
            answers[index] = request(port, "POST", path, body, cookie)[0]
        except Exception as error:  # noqa: BLE001 (counted as an error)
            answers[index] = error
        finished[index] = time.perf_counter()

    threads = [threading.Thread(target=person, args=(index,)) for index in range(people)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=600)
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return answers, max(finished) - started


def race(stdout, people: int = 400, servers: int = 2, workers: int = 2) -> None:
    if connection.vendor != "postgresql":
        stdout.write(
            "\nRegistration race: runs under make bench-postgres "
            "(two app servers sharing PostgreSQL and Redis)"
        )
        return
    # scripts/bench.sh keeps the Redis of scripts/with-redis.sh for the race's servers (RACE_CACHE_URL).
    cache = next(
        filter(None, (os.environ.get(name) for name in ("RACE_CACHE_URL", "CACHE_URL", "REDIS_URL"))), ""
    )
    shared = "Redis" if cache.startswith("redis") else "no shared cache (each server its own)"
    stdout.write(
        f"\nRegistration race: {people} people at once for a session of {RACE_SEATS} seats with a waiting "
        f"list;\n{servers} gunicorn servers × {workers} workers, PostgreSQL, {shared}, per-address limit off"
    )
    # The servers see the event once it is committed: the command runs in autocommit.
    with tempfile.TemporaryDirectory() as folder, race_event(RACE_SEATS) as session:
        log_path = os.path.join(folder, "gunicorn.log")
        with app_servers(servers, workers, log_path, cache) as ports:
            answers, seconds = fire(ports, session.pk, people)
            with open(log_path) as log:
                server_log = log.read()
        statuses = Counter(answer if isinstance(answer, int) else "no answer" for answer in answers)
        registrations = Registration.objects.filter(session=session)
        held = Counter(registrations.values_list("status", flat=True))
        confirmed_seats = registrations.filter(status="confirmed").aggregate(n=Sum("seats"))["n"] or 0
        session.refresh_from_db()
    errors = sum(n for status, n in statuses.items() if status == "no answer" or status >= 500)
    overbooked = max(0, confirmed_seats - RACE_SEATS, session.seats_taken - RACE_SEATS)
    made = statuses.get(303, 0)
    rate = made / seconds if seconds else 0.0
    rows = [
        ("confirmed", held.get("confirmed", 0)),
        ("waitlisted", held.get("waitlisted", 0)),
        ("errors (5xx or no answer)", errors),
        ("overbooked (confirmed seats over the capacity)", overbooked),
    ]
    for name, value in rows:
        stdout.write(f"{name:<52}{value:>9}")
    verdict = "ok" if rate >= RACE_TARGET and overbooked == 0 and errors == 0 else "under the target"
    stdout.write(
        f"{'registrations per second':<52}{rate:>9.0f}  ({made} in {seconds:.2f} s; "
        f"target ≥ {RACE_TARGET}, 0 overbooked: {verdict})"
    )
    counters = (session.seats_taken, session.waiting)
    if counters != (confirmed_seats, held.get("waitlisted", 0)):
        stdout.write(f"the session's counters disagree with its registrations: {counters}")
    other = {status: n for status, n in statuses.items() if status != 303}
    if other:
        stdout.write(f"other answers: {other}")
    if errors and "Traceback" in server_log:
        stdout.write(server_log[-4000:])
