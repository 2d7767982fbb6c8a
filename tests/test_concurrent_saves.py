"""Many staff saving at the same moment, against a real server: gunicorn with two worker processes on the
suite's database engine (a SQLite file, or a PostgreSQL database of its own under `make test-postgres`).

Forty people press "save" on the attendance screen and on the visit grid at once — each their own box,
and then all of them the same empty box. Nobody gets a server error ("database is locked" on SQLite, a
duplicate key on PostgreSQL), every figure typed into its own box is stored, the shared box holds
one record, and the yearly tallies the statistics add up count every figure.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from urllib.parse import urlencode

import pytest

from tests.servers import ROOT, Person, site_served, stored

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


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("concurrency")
    with site_served(folder, SETUP % {"people": PEOPLE}, workers=2) as site:
        yield site


# The yearly tallies that differ from a count of the records (`events.tallies`, `institutions.tallies`).
TALLIES = "import json; from %s import tallies; print(json.dumps(tallies.differences()))"


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
    # Forty transactions counted the same event's tallies at once: they took turns, none lost a figure.
    assert stored(served, TALLIES % "events") == []


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
    assert stored(served, TALLIES % "institutions") == []


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
