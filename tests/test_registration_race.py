"""Two hundred people registering for the last seats at the same moment, against a real server (SPEC §9):
gunicorn, two worker processes with threads, on PostgreSQL (`make test-postgres`).

Each person opens the form in their own browser (the CSRF cookie and token), then everyone presses
"register" at once for a session of 20 seats. With a waiting list: 20 confirmed, 180 on the list, each
ticket showing its place; five confirmed people cancelling at once give their seats to the first five of
the queue. Without a waiting list: 20 confirmed and 180 told the session is full. Nobody gets a server
error, and the session's counters agree with its registrations.

On SQLite the file is skipped: the database file takes one writer at a time, so the race would only
measure its lock; the row locks of `events.registering` are what is under test.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import Counter
from urllib.parse import urlencode

import pytest

from tests.servers import Person, site_served, stored

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="needs PostgreSQL (its row locks are what is under test): run under scripts/with-postgres.sh",
)

PEOPLE = 200
SEATS = 20
CANCELLING = 5

SETUP = """
import datetime as dt, json
from django.utils import timezone
from events.models import EventPage, Session
from institutions.models import AdministrativeUnit, InstitutionIndexPage, InstitutionPage

directory = InstitutionIndexPage.objects.get()
institution = InstitutionPage(
    title="Nhà văn hóa Chen Chân", slug="nvh-chen-chan", code="NVH-CHEN", kind="cultural_centre",
    level="commune", sector="public", unit=AdministrativeUnit.objects.for_code("443"),
)
directory.add_child(instance=institution)
institution.save_revision().publish()
day = timezone.localdate() + dt.timedelta(days=10)
start = dt.datetime.combine(day, dt.time(19, 0), tzinfo=timezone.get_default_timezone())
sessions = {}
for slug, waitlist in (("waitlist", True), ("no-waitlist", False)):
    event = EventPage(
        title=f"Lớp kỹ năng số ({slug})", slug=f"lop-ky-nang-so-{slug}", start=start,
        end=start + dt.timedelta(hours=2), registration_mode="required", capacity=%(seats)d,
        waitlist=waitlist,
    )
    institution.add_child(instance=event)
    event.save_revision().publish()
    sessions[slug] = Session.objects.get(event=event).pk
print(json.dumps(sessions))
"""

REGISTRATIONS = """
import json
from events.models import Registration, Session
session = Session.objects.get(pk=%(session)d)
print(json.dumps({
    "seats_taken": session.seats_taken,
    "waiting": session.waiting,
    "registrations": [
        [r.token_hash, r.status, r.queue_rank, r.pk, r.seats]
        for r in Registration.objects.filter(session=session).order_by("queue_rank", "pk")
    ],
}))
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("registration-race")
    # Without the per-address limit: every person here comes from 127.0.0.1.
    with site_served(
        folder, SETUP % {"seats": SEATS}, workers=2, threads=8, REGISTRATION_RATE_LIMIT="0"
    ) as site:
        yield site


def all_at_once(count: int, prepare, act) -> list:
    """`count` threads each `prepare` (open their page), wait for each other, then `act` at the same
    moment; the results of `act`. A thread that fails to prepare breaks the barrier for all."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list[BaseException] = []

    def run(index):
        try:
            prepared = prepare(index)
            barrier.wait(timeout=300)
            results[index] = act(index, prepared)
        except BaseException as error:  # noqa: BLE001 (reported below, with the others)
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def everyone_registers(served, session_id: int) -> tuple[list[Person], list[tuple[int, str, str]]]:
    """Each person opens the form, then all send it at once: their (status, Location, page) answers."""
    path = f"/dang-ky/{session_id}/"
    people = [Person(served["port"]) for _ in range(PEOPLE)]

    def open_form(index):
        fields = people[index].open(path)
        assert fields.get("csrfmiddlewaretoken"), "the form has no CSRF token"
        return {
            "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
            "name": f"Người đăng ký {index + 1}",
            "phone": f"0912 345 {index:03d}",
            "email": "",
            "seats": "1",
            "note": "",
            "consent": "on",
            "website": "",
        }

    def send(index, form):
        status, page = people[index].request("POST", path, urlencode(form))
        return status, people[index].location, page

    return people, all_at_once(PEOPLE, open_form, send)


def assert_no_server_error(served, answers):
    errors = [status for status, _location, _page in answers if status >= 500]
    assert errors == [], served["log"].read_text()[-5000:]


def ticket_token(location: str) -> str:
    found = re.fullmatch(r"/ve/([^/]+)/", location)
    assert found, location
    return found.group(1)


def hashed(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ticket_status(person: Person, token: str) -> tuple[str, int | None]:
    """What the ticket page says: its status, and the place in the queue it shows."""
    status, page = person.request("GET", f"/ve/{token}/")
    assert status == 200, page[:500]
    found = re.search(r'data-ticket-status="(\w+)">(.*?)</p>', page, re.S)
    assert found, page[:2000]
    number = re.search(r"\d+", found.group(2))
    return found.group(1), int(number.group()) if number else None


def stored_registrations(served, session_id: int) -> dict:
    return stored(served, REGISTRATIONS % {"session": session_id})


def test_two_hundred_people_for_twenty_seats_with_a_waiting_list(served):
    session_id = served["waitlist"]
    people, answers = everyone_registers(served, session_id)
    assert_no_server_error(served, answers)
    assert Counter(status for status, _location, _page in answers) == {303: PEOPLE}
    tokens = [ticket_token(location) for _status, location, _page in answers]
    assert len(set(tokens)) == PEOPLE

    data = stored_registrations(served, session_id)
    statuses = Counter(status for _hash, status, _rank, _pk, _seats in data["registrations"])
    assert statuses == {"confirmed": SEATS, "waitlisted": PEOPLE - SEATS}
    assert (data["seats_taken"], data["waiting"]) == (SEATS, PEOPLE - SEATS)
    # Nobody waits ahead of a confirmed registration: the first 20 in the queue hold the seats.
    queue = [row[1] for row in data["registrations"]]
    assert queue == ["confirmed"] * SEATS + ["waitlisted"] * (PEOPLE - SEATS)

    # Each ticket page says what the database holds; the waiting show their place, 1 to 180 in queue order.
    place_of = {row[0]: place for place, row in enumerate(data["registrations"][SEATS:], start=1)}
    for index, token in enumerate(tokens):
        shown = ticket_status(people[index], token)
        if hashed(token) in place_of:
            assert shown == ("waitlisted", place_of[hashed(token)])
        else:
            assert shown[0] == "confirmed"

    # Five confirmed people cancel at the same moment: the first five of the queue get their seats.
    by_hash = {hashed(token): index for index, token in enumerate(tokens)}
    leaving = [by_hash[row[0]] for row in data["registrations"][:CANCELLING]]
    first_waiting = [row[0] for row in data["registrations"][SEATS : SEATS + CANCELLING]]

    def open_cancel(number):
        index = leaving[number]
        fields = people[index].open(f"/ve/{tokens[index]}/huy/")
        return {"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"]}

    def send_cancel(number, form):
        index = leaving[number]
        status, page = people[index].request("POST", f"/ve/{tokens[index]}/huy/", urlencode(form))
        return status, people[index].location, page

    cancelled = all_at_once(CANCELLING, open_cancel, send_cancel)
    assert_no_server_error(served, cancelled)
    assert [(status, location) for status, location, _page in cancelled] == [
        (303, f"/ve/{tokens[index]}/") for index in leaving
    ]

    after = stored_registrations(served, session_id)
    status_of = {row[0]: row[1] for row in after["registrations"]}
    assert Counter(status_of.values()) == {
        "confirmed": SEATS,
        "waitlisted": PEOPLE - SEATS - CANCELLING,
        "cancelled": CANCELLING,
    }
    assert (after["seats_taken"], after["waiting"]) == (SEATS, PEOPLE - SEATS - CANCELLING)
    assert [status_of[hashed(tokens[index])] for index in leaving] == ["cancelled"] * CANCELLING
    assert [status_of[row] for row in first_waiting] == ["confirmed"] * CANCELLING
    # The rest of the queue moved up by five.
    for row in data["registrations"][SEATS + CANCELLING : SEATS + CANCELLING + 3]:
        index = by_hash[row[0]]
        assert ticket_status(people[index], tokens[index]) == ("waitlisted", place_of[row[0]] - CANCELLING)
    for row in first_waiting:
        index = by_hash[row]
        assert ticket_status(people[index], tokens[index])[0] == "confirmed"


def test_two_hundred_people_for_twenty_seats_without_a_waiting_list(served):
    session_id = served["no-waitlist"]
    _people, answers = everyone_registers(served, session_id)
    assert_no_server_error(served, answers)
    assert Counter(status for status, _location, _page in answers) == {303: SEATS, 409: PEOPLE - SEATS}

    # The refused are told why, in words: the session is full and has no waiting list.
    refusals = {
        re.search(r'<p class="errors" role="alert">(.*?)</p>', page, re.S).group(1).strip()
        for status, _location, page in answers
        if status == 409
    }
    assert len(refusals) == 1 and all(refusals), refusals

    data = stored_registrations(served, session_id)
    statuses = Counter(status for _hash, status, _rank, _pk, _seats in data["registrations"])
    assert statuses == {"confirmed": SEATS}
    assert (data["seats_taken"], data["waiting"]) == (SEATS, 0)
    confirmed = {ticket_token(location) for status, location, _page in answers if status == 303}
    assert {hashed(token) for token in confirmed} == {row[0] for row in data["registrations"]}
