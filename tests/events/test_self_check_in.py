"""Self check-in from the event's poster (SPEC §9): a signed link that counts on POST only, while a session
is on, once per device, within a per-address rate; no personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, override_settings

from events.models import CheckIn, Session
from events.self_check_in import self_check_in_url
from tests.events.conftest import publish
from tests.events.factories import HANOI, EventPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def club(frozen_now):
    """A club at 09:00–11:00 every day from 24/11/2026: on at the frozen 25/11 09:00."""
    return publish(
        EventPageFactory(
            title="Câu lạc bộ dưỡng sinh",
            start=dt.datetime(2026, 11, 24, 9, 0, tzinfo=HANOI),
            rrule="FREQ=DAILY;COUNT=5",
        )
    )


def path_of(event) -> str:
    return self_check_in_url(event).removeprefix("http://testserver")


def today_s(event) -> Session:
    return event.sessions.get(start=dt.datetime(2026, 11, 25, 9, 0, tzinfo=HANOI))


def staff_of(client, club):
    from django.contrib.auth import get_user_model

    from institutions.roles import editors_group

    user = get_user_model().objects.create_user("nvh", password="x")
    user.groups.add(editors_group(club.get_parent().specific))
    client.force_login(user)
    return user


def test_the_poster_is_for_the_institution_s_staff(client, club):
    assert client.get(club.url + "ap-phich/")["Location"].startswith("/admin/login/")
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create_user("khach", password="x"))
    assert client.get(club.url + "ap-phich/").status_code == 403


def test_the_poster_prints_the_event_and_a_qr_code_of_the_signed_link(client, club):
    staff_of(client, club)
    page = client.get(club.url + "ap-phich/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Câu lạc bộ dưỡng sinh" in text and "<svg" in text and "poster-print.css" in text
    assert client.get("/co-so/khong-co/ap-phich/").status_code == 404
    assert client.get(club.get_parent().url + "ap-phich/").status_code == 404  # an institution has none


def test_opening_counts_nothing_pressing_counts_once_per_device(client, club, time_machine):
    url = path_of(club)
    page = client.get(url).content.decode()
    assert "Tôi có mặt" in page
    assert today_s(club).checked_in == 0 and not CheckIn.objects.exists()  # previewers and scanners
    answer = client.post(url).content.decode()
    assert 'data-self-check-in="new"' in answer
    again = client.post(url).content.decode()
    assert 'data-self-check-in="earlier"' in again and "09:00" in again
    assert today_s(club).checked_in == 1
    [check_in] = CheckIn.objects.all()
    assert (check_in.kind, check_in.registration, check_in.by) == ("self", None, None)
    client.cookies.clear()  # another phone
    client.post(url)
    assert today_s(club).checked_in == 2


def test_the_link_works_from_30_minutes_before_a_session_to_its_end(client, club, time_machine):
    url = path_of(club)
    time_machine.move_to(dt.datetime(2026, 11, 25, 11, 5, tzinfo=HANOI))  # today's has ended
    page = client.get(url).content.decode()
    assert "Tôi có mặt" not in page and "26/11/2026 09:00" in page
    assert client.post(url).status_code == 409
    time_machine.move_to(dt.datetime(2026, 11, 26, 8, 31, tzinfo=HANOI))
    client.post(url)
    assert club.sessions.get(start=dt.datetime(2026, 11, 26, 9, 0, tzinfo=HANOI)).checked_in == 1
    assert CheckIn.objects.count() == 1


def test_a_tampered_or_made_up_link_is_not_found(client, club):
    url = path_of(club)
    assert client.get(url[:-3] + "xx/").status_code == 404
    assert client.post("/diem-danh/123/").status_code == 404
    assert not CheckIn.objects.exists()


@override_settings(CHECK_IN_RATE_LIMIT="2/h")
def test_an_address_checks_in_at_most_the_rate(client, club):
    url = path_of(club)
    for _ in range(2):
        client.cookies.clear()
        client.post(url)
    client.cookies.clear()
    assert client.post(url).status_code == 429
    assert today_s(club).checked_in == 2


def test_the_poster_is_linked_for_the_institution_s_staff_only(client, club):
    assert "ap-phich/" not in client.get(club.url).content.decode()
    staff_of(client, club)
    assert f"{club.url}ap-phich/" in client.get(club.url).content.decode()


def test_two_taps_in_flight_count_once(client, club):
    from events.self_check_in import DEVICE_COOKIE

    url = path_of(club)
    client.get(url)  # the page gives the phone its id
    device = client.cookies[DEVICE_COOKIE]
    client.post(url)
    second = Client()
    second.cookies[DEVICE_COOKIE] = device  # the same phone, a second request sent before the first answered
    assert 'data-self-check-in="earlier"' in second.post(url).content.decode()
    assert today_s(club).checked_in == 1 and CheckIn.objects.count() == 1
