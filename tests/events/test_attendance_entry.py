import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from wagtail.models import ModelLogEntry

from events.models import NOT_HELD_YET, Attendance, Session

from .factories import HANOI

pytestmark = pytest.mark.django_db
URL = reverse("events_attendance_entry")


@pytest.fixture(autouse=True)
def after_the_sessions(weekly_class):
    """The class of December 2026 (made on 25/11/2026) has been held: attendance is typed afterwards."""
    with time_machine.travel(dt.datetime(2027, 1, 5, 9, 0, tzinfo=HANOI), tick=False):
        yield


@pytest.fixture
def period(weekly_class):
    institution = weekly_class.get_parent()
    return {"institution": institution.pk, "first_day": "2026-12-01", "last_day": "2026-12-07"}


def sessions(weekly_class):
    return list(
        Session.objects.filter(event=weekly_class).between(dt.date(2026, 12, 1), dt.date(2026, 12, 7))
    )


def test_the_screen_lists_the_sessions_of_the_period(admin_client, weekly_class, period):
    response = admin_client.get(URL, period)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 2  # 01/12 and 03/12
    assert "autofocus" in response.content.decode()


def test_saving_records_every_session_at_once_and_logs_it(admin_client, weekly_class, period):
    first, second = sessions(weekly_class)
    data = {f"s{first.pk}-attendees": "25", f"s{first.pk}-children": "4", f"s{second.pk}-attendees": "30"}
    response = admin_client.post(f"{URL}?{'&'.join(f'{k}={v}' for k, v in period.items())}", data)
    assert response.status_code == 302
    assert Attendance.objects.get(session=first).children == 4
    assert Attendance.objects.get(session=second).attendees == 30
    assert Attendance.objects.get(session=first).recorded_by.username == "staff"
    assert (
        ModelLogEntry.objects.filter(content_type__model="attendance", action="wagtail.create").count() == 2
    )


def test_what_was_entered_is_shown_and_can_be_replaced(admin_client, weekly_class, period):
    first, _second = sessions(weekly_class)
    Attendance.objects.create(session=first, attendees=10)
    response = admin_client.get(URL, period)
    assert 'value="10"' in response.content.decode()
    query = "&".join(f"{k}={v}" for k, v in period.items())
    admin_client.post(f"{URL}?{query}", {f"s{first.pk}-attendees": "12"})
    assert Attendance.objects.get(session=first).attendees == 12
    assert Attendance.objects.count() == 1


def test_one_bad_number_saves_nothing(admin_client, weekly_class, period):
    first, second = sessions(weekly_class)
    query = "&".join(f"{k}={v}" for k, v in period.items())
    response = admin_client.post(
        f"{URL}?{query}", {f"s{first.pk}-attendees": "25", f"s{second.pk}-attendees": "-3"}
    )
    assert response.status_code == 200
    assert not Attendance.objects.exists()


def test_a_part_larger_than_the_headcount_is_refused(admin_client, weekly_class, period):
    first, _second = sessions(weekly_class)
    query = "&".join(f"{k}={v}" for k, v in period.items())
    admin_client.post(f"{URL}?{query}", {f"s{first.pk}-attendees": "5", f"s{first.pk}-women": "9"})
    assert not Attendance.objects.exists()


def test_a_bad_period_is_explained(admin_client, weekly_class):
    response = admin_client.get(
        URL, {"institution": "x", "first_day": "2026-12-07", "last_day": "2026-12-01"}
    )
    assert response.status_code == 200
    assert response.context["period"].errors


def test_an_event_with_attendance_cannot_be_deleted(admin_client, weekly_class):
    session = Session.objects.filter(event=weekly_class).first()
    Attendance.objects.create(session=session, attendees=9)
    response = admin_client.post(reverse("wagtailadmin_pages:delete", args=[weekly_class.pk]))
    assert response.status_code == 302
    assert Session.objects.filter(pk=session.pk).exists()
    assert Attendance.objects.count() == 1


def test_an_event_without_attendance_can_be_deleted(admin_client, weekly_class):
    admin_client.post(reverse("wagtailadmin_pages:delete", args=[weekly_class.pk]))
    assert not Session.objects.filter(event_id=weekly_class.pk).exists()


@pytest.mark.parametrize("typed", ["²", "9" * 5000, "١٢", "１２", "1_000", "+7", "1000001"])
def test_headcounts_are_whole_numbers_in_digits_0_to_9(admin_client, weekly_class, period, typed):
    first = sessions(weekly_class)[0]
    query = "?" + "&".join(f"{key}={value}" for key, value in period.items())
    response = admin_client.post(URL + query, {f"s{first.pk}-attendees": typed})
    assert response.status_code == 200
    assert not Attendance.objects.exists()
    assert "0–9" in response.content.decode()


@pytest.mark.parametrize(
    "first_day,last_day",
    [("9999-12-01", "9999-12-31"), ("0001-01-01", "0001-01-31"), ("1999-12-01", "1999-12-31")],
)
def test_a_period_outside_the_record_range_is_explained(admin_client, weekly_class, first_day, last_day):
    institution = weekly_class.get_parent()
    response = admin_client.get(
        URL, {"institution": institution.pk, "first_day": first_day, "last_day": last_day}
    )
    assert response.status_code == 200
    assert "01/01/2000" in response.content.decode()
    assert "rows" not in response.context


# --- Two people on one screen (a stale screen never reverts or removes a colleague's figures) ---------


def opened_screen(client, weekly_class) -> tuple[str, dict]:
    """The address and the form data of the screen as a browser holds it after opening it."""
    institution = weekly_class.get_parent()
    address = f"{URL}?institution={institution.pk}&first_day=2026-12-01&last_day=2026-12-17"
    response = client.get(address)
    data = {}
    for _session, form in response.context["rows"]:
        for field in form:
            value = field.value()
            data[field.html_name] = "" if value is None else str(value)
    return address, data


@pytest.fixture
def colleagues(weekly_class, django_user_model, client, admin_client):
    from django.test import Client

    from institutions.roles import editors_group

    other = django_user_model.objects.create_user("dong_nghiep", password="x")
    other.groups.add(editors_group(weekly_class.get_parent().specific))
    second = Client()
    second.force_login(other)
    return admin_client, second


def test_a_stale_screen_changes_only_the_rows_its_person_changed(colleagues, weekly_class):
    a, b = colleagues
    first, second, third, _fourth = Session.objects.filter(event=weekly_class).between(
        dt.date(2026, 12, 1), dt.date(2026, 12, 17)
    )
    Attendance.objects.create(session=first, attendees=17)
    address, a_data = opened_screen(a, weekly_class)
    _address, b_data = opened_screen(b, weekly_class)  # opened before A saves

    a_data[f"s{first.pk}-attendees"] = "333"
    a_data[f"s{second.pk}-attendees"] = "444"
    assert a.post(address, a_data).status_code == 302

    b_data[f"s{third.pk}-attendees"] = "20"
    response = b.post(address, b_data)
    assert response.status_code == 302
    figures = dict(Attendance.objects.values_list("session_id", "attendees"))
    assert figures == {first.pk: 333, second.pk: 444, third.pk: 20}


def test_the_same_box_typed_by_both_asks_the_second_person(colleagues, weekly_class):
    a, b = colleagues
    first = Session.objects.filter(event=weekly_class).order_by("start").first()
    Attendance.objects.create(session=first, attendees=17)
    address, a_data = opened_screen(a, weekly_class)
    _address, b_data = opened_screen(b, weekly_class)
    a_data[f"s{first.pk}-attendees"] = "333"
    a.post(address, a_data)

    b_data[f"s{first.pk}-attendees"] = "18"
    response = b.post(address, b_data)
    assert response.status_code == 200  # asked, not saved
    assert Attendance.objects.get(session=first).attendees == 333
    content = response.content.decode()
    assert "333" in content and 'value="18"' in content
    assert [m.level_tag for m in response.context["messages"]] == ["error"]

    # Saving again from the screen that showed both keeps B's figure, knowingly.
    again = {}
    for _session, form in response.context["rows"]:
        for field in form:
            again[field.html_name] = "" if field.value() is None else str(field.value())
    assert b.post(address, again).status_code == 302
    assert Attendance.objects.get(session=first).attendees == 18


def test_both_typing_the_same_figure_is_no_conflict(colleagues, weekly_class):
    a, b = colleagues
    first = Session.objects.filter(event=weekly_class).order_by("start").first()
    address, a_data = opened_screen(a, weekly_class)
    _address, b_data = opened_screen(b, weekly_class)
    a_data[f"s{first.pk}-attendees"] = "25"
    b_data[f"s{first.pk}-attendees"] = "25"
    a.post(address, a_data)
    assert b.post(address, b_data).status_code == 302
    assert Attendance.objects.get(session=first).attendees == 25


def test_a_session_not_held_yet_has_no_boxes_and_refuses_a_figure(admin_client, weekly_class, period):
    first, second = sessions(weekly_class)
    query = "&".join(f"{k}={v}" for k, v in period.items())
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=HANOI), tick=False):  # between the two
        page = admin_client.get(URL, period).content.decode()
        assert f'name="s{first.pk}-attendees"' in page
        assert f'name="s{second.pk}-attendees"' not in page  # 03/12 has not taken place
        response = admin_client.post(
            f"{URL}?{query}", {f"s{first.pk}-attendees": "25", f"s{second.pk}-attendees": "30"}
        )
    assert response.status_code == 200
    assert str(NOT_HELD_YET) in response.content.decode()
    assert not Attendance.objects.exists()  # all or nothing


def test_a_figure_typed_before_a_session_was_moved_ahead_is_left_as_it_is(admin_client, weekly_class, period):
    first, second = sessions(weekly_class)
    Attendance.objects.create(session=second, attendees=9)
    query = "&".join(f"{k}={v}" for k, v in period.items())
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=HANOI), tick=False):
        response = admin_client.post(f"{URL}?{query}", {f"s{first.pk}-attendees": "25"})
    assert response.status_code == 302
    assert Attendance.objects.get(session=second).attendees == 9
    assert Attendance.objects.get(session=first).attendees == 25
