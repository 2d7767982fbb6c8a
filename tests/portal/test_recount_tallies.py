"""`manage.py recount_tallies`: the yearly tallies counted again from the records, or checked against them."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from events.models import Attendance, Session, SessionTally
from institutions.models import VisitCount, VisitTally
from portal.indicators import compute
from tests.events.conftest import publish
from tests.events.factories import HANOI, EventPageFactory
from tests.institutions.factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(db):
    library = InstitutionPageFactory(code="TV-A", kind="library", level="district", sector="public")
    event = publish(
        EventPageFactory(
            parent=library,
            start=dt.datetime(2025, 3, 3, 8, 0, tzinfo=HANOI),
            end=dt.datetime(2025, 3, 3, 10, 0, tzinfo=HANOI),
        )
    )
    Attendance.objects.create(session=Session.objects.get(event=event), attendees=12)
    VisitCount.objects.create(institution=library, date=dt.date(2025, 3, 4), purpose="learning", visits=30)
    return library


def uses() -> int | None:
    return next(row.value for row in compute(2025) if row.indicator == "library_learning_uses")


def test_the_check_passes_when_the_tallies_match_the_records(library):
    out = StringIO()
    call_command("recount_tallies", "--check", stdout=out)
    assert "match" in out.getvalue()


def test_records_written_around_the_tallies_are_found_and_counted_again(library):
    Attendance.objects.update(attendees=20)  # as a hand-made SQL update would
    VisitCount.objects.update(visits=40)
    assert uses() == 42  # the tallies do not know yet
    out = StringIO()
    with pytest.raises(CommandError, match="2 tallies differ"):
        call_command("recount_tallies", "--check", stdout=out)
    assert "stored" in out.getvalue() and "counted" in out.getvalue()
    call_command("recount_tallies", stdout=StringIO())
    assert uses() == 60
    call_command("recount_tallies", "--check", stdout=StringIO())
    assert SessionTally.objects.count() == VisitTally.objects.count() == 1
