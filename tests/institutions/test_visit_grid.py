import datetime as dt

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from institutions.models import VisitCount

from .factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db
URL = reverse("institutions_visit_grid")


@pytest.fixture
def library(db):
    return InstitutionPageFactory()


def query(library):
    return f"{URL}?institution={library.pk}&month=2025-03"


def test_the_grid_has_a_row_for_the_month_and_one_per_day(admin_client, library):
    response = admin_client.get(query(library))
    assert response.status_code == 200
    assert len(response.context["grid"]) == 1 + 31
    assert len(response.context["grid"][0][2]) == 6


def test_saving_creates_changes_and_removes_counts_and_logs_them(admin_client, library):
    old = VisitCount.objects.create(
        institution=library, date=dt.date(2025, 3, 2), purpose="other", channel="onsite", visits=5
    )
    kept = VisitCount.objects.create(
        institution=library, date=dt.date(2025, 3, 3), purpose="learning", channel="onsite", visits=7
    )
    data = {
        "day-04-learning-onsite": "120",
        "month-01-learning-virtual": "900",
        "day-03-learning-onsite": "8",
        "day-02-other-onsite": "",
    }
    response = admin_client.post(query(library), data)
    assert response.status_code == 302
    assert VisitCount.objects.get(date=dt.date(2025, 3, 4)).visits == 120
    assert VisitCount.objects.get(period="month").date == dt.date(2025, 3, 1)
    kept.refresh_from_db()
    assert kept.visits == 8
    assert not VisitCount.objects.filter(pk=old.pk).exists()
    assert ModelLogEntry.objects.filter(content_type__model="visitcount").count() == 4


def test_a_bad_number_saves_nothing(admin_client, library):
    response = admin_client.post(
        query(library), {"day-04-learning-onsite": "120", "day-05-learning-onsite": "-1"}
    )
    assert response.status_code == 200
    assert not VisitCount.objects.exists()
    assert 'aria-invalid="true"' in response.content.decode()


def test_a_bad_month_is_explained(admin_client, library):
    response = admin_client.get(URL, {"institution": library.pk, "month": "2025-13"})
    assert response.status_code == 200
    assert response.context["selection"].errors


@pytest.mark.parametrize("typed", ["²", "9" * 5000, "١٢", "１２", "1_000", "+7", "-1", "10000001", "1.5"])
def test_only_whole_numbers_in_digits_0_to_9_are_counts(admin_client, library, typed):
    """One rule on every path: anything else is a clear error on the box, and nothing is saved."""
    response = admin_client.post(
        query(library), {"day-04-learning-onsite": typed, "day-05-learning-onsite": "12"}
    )
    assert response.status_code == 200
    assert not VisitCount.objects.exists()
    assert "0–9" in response.content.decode()


def test_surrounding_spaces_are_ignored(admin_client, library):
    admin_client.post(query(library), {"day-04-learning-onsite": " 12 "})
    assert VisitCount.objects.get().visits == 12


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1999-12"])
def test_a_month_outside_the_record_range_is_explained(admin_client, library, month):
    response = admin_client.get(f"{URL}?institution={library.pk}&month={month}")
    assert response.status_code == 200
    assert "01/01/2000" in response.content.decode()
    assert "grid" not in response.context


# --- Two people on one month (a stale grid never reverts or removes a colleague's counts) ------------


def opened_grid(client, library) -> dict:
    """The grid's form data as a browser holds it after opening it."""
    grid = client.get(query(library)).context["grid"]
    data = {}
    for _period, _day, cells in grid:
        for cell in cells:
            data[cell["name"]] = cell["value"]
            data[f"shown-{cell['name']}"] = "" if cell["shown"] is None else str(cell["shown"])
    return data


@pytest.fixture
def colleagues(library, admin_client, django_user_model):
    from django.test import Client

    from institutions.roles import editors_group

    other = django_user_model.objects.create_user("dong_nghiep", password="x")
    other.groups.add(editors_group(library))
    second = Client()
    second.force_login(other)
    return admin_client, second


def test_a_stale_grid_changes_only_the_boxes_its_person_changed(colleagues, library):
    a, b = colleagues
    VisitCount.objects.create(
        institution=library, date=dt.date(2025, 3, 2), purpose="learning", channel="onsite", visits=17
    )
    a_data, b_data = opened_grid(a, library), opened_grid(b, library)
    a_data["day-02-learning-onsite"] = "333"
    a_data["day-03-learning-onsite"] = "444"
    a_data["day-04-other-virtual"] = "5"
    assert a.post(query(library), a_data).status_code == 302

    b_data["day-10-learning-onsite"] = "20"
    assert b.post(query(library), b_data).status_code == 302
    counts = {c.date.day: c.visits for c in VisitCount.objects.filter(purpose="learning")}
    assert counts == {2: 333, 3: 444, 10: 20}
    assert VisitCount.objects.get(purpose="other").visits == 5


def test_the_same_box_typed_by_both_asks_the_second_person(colleagues, library):
    a, b = colleagues
    a_data, b_data = opened_grid(a, library), opened_grid(b, library)
    a_data["day-02-learning-onsite"] = "333"
    a.post(query(library), a_data)
    b_data["day-02-learning-onsite"] = "18"
    response = b.post(query(library), b_data)
    assert response.status_code == 200
    assert VisitCount.objects.get().visits == 333
    content = response.content.decode()
    assert "333" in content and 'value="18"' in content

    again = {}
    for _period, _day, cells in response.context["grid"]:
        for cell in cells:
            again[cell["name"]] = cell["value"]
            again[f"shown-{cell['name']}"] = "" if cell["shown"] is None else str(cell["shown"])
    assert b.post(query(library), again).status_code == 302
    assert VisitCount.objects.get().visits == 18


def test_a_colleague_s_removal_is_not_undone_by_a_stale_grid(colleagues, library):
    a, b = colleagues
    VisitCount.objects.create(
        institution=library, date=dt.date(2025, 3, 2), purpose="learning", channel="onsite", visits=17
    )
    a_data, b_data = opened_grid(a, library), opened_grid(b, library)
    a_data["day-02-learning-onsite"] = ""
    a.post(query(library), a_data)
    b_data["day-05-learning-onsite"] = "9"
    assert b.post(query(library), b_data).status_code == 302
    assert list(VisitCount.objects.values_list("date__day", "visits")) == [(5, 9)]
