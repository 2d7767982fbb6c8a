"""Many staff saving at the same moment, against a real server: gunicorn with two worker processes on the
suite's database engine (a SQLite file, or a PostgreSQL database of its own under `make test-postgres`).

Forty people press "save" on the attendance screen and on the visit grid at once — each their own box,
and then all of them the same empty box. Nobody gets a server error ("database is locked" on SQLite, a
duplicate key on PostgreSQL), every figure typed into its own box is stored, and the shared box holds
one record.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = 40

SETUP = """
import datetime as dt, json
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from events.models import EventPage, Session
from institutions.models import AdministrativeUnit, InstitutionIndexPage, InstitutionPage
from institutions.roles import editors_group

directory = InstitutionIndexPage.objects.get()
institution = InstitutionPage(
    title="Nhà văn hóa Song Song", slug="nvh-song-song", code="NVH-SONG", kind="cultural_centre",
    level="commune", sector="public", unit=AdministrativeUnit.objects.for_code("443"),
)
directory.add_child(instance=institution)
institution.save_revision().publish()
first_day = timezone.localdate() - dt.timedelta(days=70)
start = dt.datetime.combine(first_day, dt.time(19, 0), tzinfo=timezone.get_default_timezone())
event = EventPage(title="Câu lạc bộ hằng tối", slug="clb-hang-toi", start=start,
                  end=start + dt.timedelta(hours=1), rrule="FREQ=DAILY;COUNT=60")
institution.add_child(instance=event)
event.save_revision().publish()
user = get_user_model().objects.create_user("song_song", password="Song-song-2026")
user.groups.add(editors_group(institution))
keys = []
for _ in range(%(people)d):
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    keys.append(store.session_key)
print(json.dumps({
    "keys": keys, "institution": institution.pk, "first_day": str(first_day),
    "last_day": str(first_day + dt.timedelta(days=59)),
    "sessions": list(Session.objects.filter(event=event).order_by("start").values_list("pk", flat=True)),
}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(tmp_path) -> tuple[str, callable]:
    """A database of the suite's engine that the server's processes can share, and how to drop it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp_path / 'site.sqlite3'}", lambda: None
    import psycopg

    name = f"concurrency_{uuid.uuid4().hex[:8]}"
    server = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{server}/{name}", drop


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("concurrency")
    url, drop = database_url(folder)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.browser.server_settings",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(folder / "media"),
        "SECRET_KEY": "concurrency-tests-only-5f4d3s2a1q0w9e8r7t6y5u4i3o2p1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CACHE_URL": "dummy://",
        "CONN_MAX_AGE": "0",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True)
    made = subprocess.run(
        [*manage, "shell", "-c", SETUP % {"people": PEOPLE}],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    data = json.loads(made.stdout.strip().splitlines()[-1])
    port = free_port()
    log = open(folder / "server.log", "w")  # noqa: SIM115 (open while the server runs)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "portal.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError((folder / "server.log").read_text()) from None
                time.sleep(0.2)
        yield {**data, "port": port, "env": env, "log": folder / "server.log"}
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()
        drop()


class FormInputs(HTMLParser):
    """The fields a browser would send with the page's POST form."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.in_post_form = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.in_post_form = (attributes.get("method") or "").lower() == "post"
        elif tag == "input" and self.in_post_form and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_post_form = False


class Person:
    """One member of staff in their own browser: their login, the CSRF cookie, and the open screen."""

    def __init__(self, port: int, session_key: str):
        self.port = port
        self.cookies = {"__Host-sessionid": session_key}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and (found := re.match(r"([^=]+)=([^;]*)", value)):
                self.cookies[found.group(1)] = found.group(2)
        text = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, text

    def open(self, path: str) -> dict[str, str]:
        status, text = self.request("GET", path)
        assert status == 200, text[:500]
        parser = FormInputs()
        parser.feed(text)
        return parser.fields


def everyone_saves_at_once(people, path, forms) -> list[int]:
    """Each person sends their form at the same moment; the answers' status codes."""
    barrier = threading.Barrier(len(people))
    statuses = [0] * len(people)

    def save(index):
        body = urlencode(forms[index])
        barrier.wait()
        statuses[index], _text = people[index].request("POST", path, body)

    threads = [threading.Thread(target=save, args=(index,)) for index in range(len(people))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def stored(served, code: str) -> dict:
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=served["env"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_forty_people_saving_attendance_at_once_get_no_error_and_lose_nothing(served):
    path = (
        f"/admin/attendance/?institution={served['institution']}"
        f"&first_day={served['first_day']}&last_day={served['last_day']}"
    )
    people = [Person(served["port"], key) for key in served["keys"]]
    forms = [person.open(path) for person in people]
    for index, form in enumerate(forms):  # each their own session's box
        form[f"s{served['sessions'][index]}-attendees"] = str(100 + index)
    statuses = everyone_saves_at_once(people, path, forms)
    assert [status for status in statuses if status >= 500] == [], served["log"].read_text()[-3000:]
    assert set(statuses) == {302}

    shared = served["sessions"][PEOPLE]
    forms = [person.open(path) for person in people]
    for index, form in enumerate(forms):  # everyone the same empty box
        form[f"s{shared}-attendees"] = str(index % 3 + 1)
    statuses = everyone_saves_at_once(people, path, forms)
    assert [status for status in statuses if status >= 500] == [], served["log"].read_text()[-3000:]
    # The first save wins; the others typing another figure are asked (200), the same figure is no conflict.
    assert set(statuses) <= {200, 302}

    figures = stored(
        served,
        "import json; from events.models import Attendance; "
        "print(json.dumps({str(a.session_id): a.attendees for a in Attendance.objects.all()}))",
    )
    expected = {str(served["sessions"][index]): 100 + index for index in range(PEOPLE)}
    assert {key: value for key, value in figures.items() if key != str(shared)} == expected
    assert figures[str(shared)] in {1, 2, 3}


def test_forty_people_saving_door_counts_at_once_get_no_error_and_lose_nothing(served):
    month = served["first_day"][:7]
    path = f"/admin/visits/?institution={served['institution']}&month={month}"
    people = [Person(served["port"], key) for key in served["keys"]]
    forms = [person.open(path) for person in people]
    boxes = [f"day-{day:02d}-{purpose}-onsite" for day in range(1, 21) for purpose in ("learning", "other")]
    for index, form in enumerate(forms):
        form[boxes[index]] = str(10 + index)
    statuses = everyone_saves_at_once(people, path, forms)
    assert [status for status in statuses if status >= 500] == [], served["log"].read_text()[-3000:]
    assert set(statuses) == {302}

    forms = [person.open(path) for person in people]
    for index, form in enumerate(forms):
        form["month-01-learning-virtual"] = str(index % 2 + 7)
    statuses = everyone_saves_at_once(people, path, forms)
    assert [status for status in statuses if status >= 500] == [], served["log"].read_text()[-3000:]
    assert set(statuses) <= {200, 302}

    counts = stored(
        served,
        "import json; from institutions.models import VisitCount; "
        "print(json.dumps([[c.period, c.date.day, c.purpose, c.channel, c.visits] "
        "for c in VisitCount.objects.all()]))",
    )
    daily = {f"day-{day:02d}-{purpose}-{channel}": visits for period, day, purpose, channel, visits in counts
             if period == "day"}  # fmt: skip
    assert daily == {box: 10 + index for index, box in enumerate(boxes)}
    monthly = [visits for period, _day, _purpose, _channel, visits in counts if period == "month"]
    assert len(monthly) == 1 and monthly[0] in {7, 8}


def test_two_imports_of_one_file_at_once_both_finish_without_an_error(served, tmp_path):
    """Two people (or two cron jobs) import the same visits file at the same moment: the imports run one
    after the other, the second finds the first's counts and changes nothing; neither ends in a traceback."""
    data = tmp_path / "visits.csv"
    rows = [f"NVH-SONG,2025-03-{day:02d},{day},other,outreach" for day in range(1, 29)]
    data.write_text(
        "institution_code,date,visits,purpose,channel\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    command = [sys.executable, "manage.py", "import_data", "visits", str(data)]
    runs = [
        subprocess.Popen(command, cwd=ROOT, env=served["env"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    results = [
        (run.wait(timeout=120), run.stdout.read().decode(), run.stderr.read().decode()) for run in runs
    ]
    assert [code for code, _out, _err in results] == [0, 0], results
    assert not any("Traceback" in err for _code, _out, err in results)
    counts = stored(
        served,
        "import json; from institutions.models import VisitCount; "
        "print(json.dumps(VisitCount.objects.filter(channel='outreach').count()))",
    )
    assert counts == 28
