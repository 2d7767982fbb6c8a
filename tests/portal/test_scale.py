"""generate_scale_data and the benchmark command (SPEC §8), on a small dataset."""

import datetime as dt
import gc
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from wagtail.models import Page

from events import tallies as session_tallies
from events.models import Attendance, EventPage, Session, SessionTally
from events.schedule import occurrences
from institutions import tallies as visit_tallies
from institutions.choices import InstitutionKind
from institutions.models import InstitutionPage, VisitCount, VisitTally
from portal.indicators import compute

pytestmark = pytest.mark.django_db


def generate(**options):
    out = StringIO()
    call_command("generate_scale_data", institutions=40, events=120, years=2, stdout=out, **options)
    return out.getvalue()


def test_the_pages_are_a_sound_wagtail_tree_that_the_public_site_serves(client):
    generate()
    assert not any(Page.find_problems())  # paths, depths and child counts as treebeard keeps them
    institution = InstitutionPage.objects.order_by("pk").last()
    event = EventPage.objects.child_of(institution).first() or EventPage.objects.first()
    assert client.get(institution.url).status_code == 200
    assert client.get(event.url).status_code == 200
    assert institution.title.encode() in client.get("/co-so/?q=" + institution.code).content


def test_every_group_is_there_with_weekly_and_one_off_events_stored_as_the_schedule_would():
    generate()
    kinds = set(InstitutionPage.objects.values_list("kind", flat=True))
    assert kinds == set(InstitutionKind.values)
    assert InstitutionPage.objects.filter(unit=None).count() == 0
    weekly = EventPage.objects.exclude(rrule="")
    assert weekly.exists() and EventPage.objects.filter(rrule="").exists()
    for event in [*weekly.order_by("pk")[:5], *EventPage.objects.filter(rrule="").order_by("pk")[:5]]:
        stored = list(Session.objects.filter(event=event).order_by("original_start"))
        expected = occurrences(event, until=stored[-1].original_start)
        assert [s.original_start for s in stored] == [o.original_start for o in expected]
        assert [s.end for s in stored] == [o.end for o in expected]


def test_records_are_counted_only_where_they_can_be():
    generate()
    now = dt.datetime.now(dt.UTC)
    assert Attendance.objects.exists()
    assert not Attendance.objects.filter(session__start__gte=now).exists()
    assert not Attendance.objects.filter(session__status="cancelled").exists()
    assert set(VisitCount.objects.values_list("purpose", flat=True)) == {"learning", "other"}
    year = timezone.localdate().year
    rows = {(row.indicator, row.group): row for row in compute(year)}
    uses = rows["library_learning_uses", "library_all"]
    assert uses.value and uses.base_year == year - 1


def test_the_yearly_tallies_count_the_generated_records():
    generate()
    assert SessionTally.objects.exists() and VisitTally.objects.exists()
    assert session_tallies.differences() == [] and visit_tallies.differences() == []


def test_it_refuses_a_database_that_has_institutions_and_changes_nothing():
    generate()
    counts = InstitutionPage.objects.count(), Session.objects.count()
    with pytest.raises(CommandError, match="already has institutions"):
        generate()
    assert (InstitutionPage.objects.count(), Session.objects.count()) == counts


@pytest.mark.parametrize("option", ["institutions", "events", "years"])
def test_it_refuses_a_size_below_one(option):
    sizes = {"institutions": 5, "events": 5, "years": 1, option: 0}
    with pytest.raises(CommandError, match=f"--{option} must be at least 1"):
        call_command("generate_scale_data", stdout=StringIO(), **sizes)
    assert not InstitutionPage.objects.exists()


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()  # the benchmark freezes what the process holds, as a served process does


@pytest.mark.urls("portal.bench_urls")
def test_the_benchmark_prints_every_row_of_its_table(settings, unfrozen):
    settings.ALLOWED_HOSTS = ["localhost"]
    generate()
    out = StringIO()
    call_command("bench", runs=2, no_load=True, no_race=True, stdout=out)  # the race: make bench-postgres
    table = out.getvalue()
    for row in (
        "bare Django view",
        "listing, first page, uncached",
        "listing, filtered, cached",
        "listing, month view, uncached",
        "directory, uncached",
        "institution page, uncached",
        "sessions API (100 a page), uncached",
        "feed, 90 days, filtered, empty cache",
        "feed, one institution (default window), uncached",
        f"indicators {timezone.localdate().year - 1}, province",
        "event page, seats left, uncached",
        "registration POST (a new one each)",
        "self check-in POST (a new phone each)",
        "attendance entry POST (API)",
        "door count entry POST (API)",
    ):
        line = next(line for line in table.splitlines() if line.startswith(row))
        median, p95 = (float(figure) for figure in line[len(row) :].split()[:2])
        assert 0 < median <= p95
    assert "Data: 40 institutions" in table

    # Each budget with its figure and a verdict (the throughput's comes with the load test).
    budgets = table[table.index("Budgets (issue #23)") :].splitlines()
    for label in (
        "event page, cached",
        "event page taking registrations, cached",
        "institution page, cached",
        "listing, first page, uncached: queries",
        "listing, filtered, uncached",
        "sessions API (100 a page), uncached",
        "indicators of a year, province",
    ):
        line = next(line for line in budgets if line.startswith(label))
        assert line.rstrip().endswith(("ok", "over", "– (other database)")), line
    # The check-in rows move a session to now and back, and type records: the tallies follow.
    assert session_tallies.differences() == [] and visit_tallies.differences() == []
