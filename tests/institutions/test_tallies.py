"""The yearly visit tallies (`institutions.tallies`) after every kind of write to door counts: each test
writes one way, checks the figures it expects, and that the stored tallies are exactly a count of the rows
(`tallies.differences()`), so that no path leaves the indicators or the yearly report an old figure."""

import datetime as dt
import json
import uuid

import pytest
from django.urls import reverse
from django.utils import translation

from institutions import tallies
from institutions.importers import VisitImporter
from institutions.models import VisitCount, VisitTally
from institutions.record_rules import MAX_VISITS

from .factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def countings(monkeypatch) -> list[set]:
    """The (institution, year) pairs counted again, one set per counting."""
    calls = []
    count_again = tallies.recount.count_again

    def noted(keys):
        calls.append(set(keys))
        count_again(keys)

    monkeypatch.setattr(tallies.recount, "count_again", noted)
    return calls


@pytest.fixture(autouse=True)
def counted_exactly():
    """After each test, every stored tally is what the visit counts say, and nothing else is stored."""
    yield
    assert tallies.differences() == []


@pytest.fixture
def library(db):
    return InstitutionPageFactory(code="TV-A", kind="library")


def figures(institution, year=2025, purpose="learning", channel="onsite") -> tuple | None:
    tally = VisitTally.objects.filter(
        institution=institution, year=year, purpose=purpose, channel=channel
    ).first()
    if tally is None:
        return None
    return (tally.counts, tally.visits, tally.usable_counts, tally.usable_visits, tally.months)


def count(institution, day, visits, purpose="learning", channel="onsite", **kwargs) -> VisitCount:
    return VisitCount.objects.create(
        institution=institution, date=day, purpose=purpose, channel=channel, visits=visits, **kwargs
    )


def test_a_count_saved_changed_and_deleted_is_counted_each_time(library):
    march = count(library, dt.date(2025, 3, 4), 10)
    count(library, dt.date(2025, 5, 1), 20, period="month")
    assert figures(library) == (2, 30, 2, 30, 0b10100)
    march.visits = 15
    march.save(update_fields=["visits"])
    assert figures(library) == (2, 35, 2, 35, 0b10100)
    march.delete()
    assert figures(library) == (1, 20, 1, 20, 0b10000)
    VisitCount.objects.filter(institution=library).delete()
    assert figures(library) is None


def test_a_count_moved_to_another_year_or_institution_is_counted_for_both(library):
    museum = InstitutionPageFactory(code="BT-A", kind="museum")
    moved = count(library, dt.date(2025, 3, 4), 10)
    moved.date = dt.date(2024, 12, 31)
    moved.save()
    assert (figures(library, 2025), figures(library, 2024)[1]) == (None, 10)
    moved.institution = museum
    moved.save()
    assert (figures(library, 2024), figures(museum, 2024)[1]) == (None, 10)


def test_a_count_above_the_cap_is_kept_apart(library):
    count(library, dt.date(2025, 3, 4), 10)
    count(library, dt.date(2025, 3, 5), MAX_VISITS + 1)
    assert figures(library) == (2, MAX_VISITS + 11, 1, 10, 0b100)


def test_a_day_given_as_text_is_counted_in_its_year(library):
    count(library, "2025-03-04", 10)
    assert figures(library)[1] == 10


def test_deleting_the_institution_removes_its_tallies(library, countings):
    for month in range(1, 13):
        count(library, dt.date(2025, month, 1), month)
    countings.clear()
    library.delete()
    assert not VisitTally.objects.exists()
    assert countings == [{(library.pk, 2025)}]  # once for the year, not once for each of its 12 counts


def test_the_visit_grid_counts_what_it_saves_once(admin_client, library, countings):
    count(library, dt.date(2025, 3, 2), 5, purpose="other")
    data = {
        "day-04-learning-onsite": "120",
        "day-05-learning-onsite": "80",
        "month-01-learning-virtual": "900",
        "day-02-other-onsite": "",
    }
    countings.clear()
    response = admin_client.post(
        f"{reverse('institutions_visit_grid')}?institution={library.pk}&month=2025-03", data
    )
    assert response.status_code == 302
    assert figures(library) == (2, 200, 2, 200, 0b100)
    assert figures(library, channel="virtual")[1] == 900
    assert figures(library, purpose="other") is None
    assert countings == [{(library.pk, 2025)}]


def test_the_entry_api_of_the_offline_app_counts_what_it_saves(admin_client, frozen_now, library):
    body = {"id": str(uuid.uuid4()), "institution": library.pk, "date": "2026-11-20", "visits": 30}
    response = admin_client.post(
        "/api/v1/visits", json.dumps({**body, "purpose": "learning"}), content_type="application/json"
    )
    assert response.status_code == 201, response.content
    assert figures(library, 2026)[1] == 30


def test_the_visit_import_counts_what_it_creates_and_changes(library):
    count(library, dt.date(2025, 3, 4), 10)
    rows = [
        "TV-A,2025-03-04,12,learning,onsite",
        "TV-A,2025-04,300,learning,onsite",
        "TV-A,2024-06-01,7,other,virtual",
    ]
    data = ("\ufeffinstitution_code,date,visits,purpose,channel\n" + "\n".join(rows) + "\n").encode()
    with translation.override("en"):
        report = VisitImporter().run(data)
    assert report.ok, report.errors
    assert figures(library) == (2, 312, 2, 312, 0b1100)
    assert figures(library, 2024, "other", "virtual")[1] == 7


def test_rebuilding_counts_everything_again(library):
    count(library, dt.date(2025, 3, 4), 10)
    VisitTally.objects.update(visits=999)  # a write around the tallies
    assert tallies.differences() != []
    assert tallies.rebuild() == 1
    assert figures(library)[1] == 10
