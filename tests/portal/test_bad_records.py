"""One bad row never breaks or bends the official figures: every way in refuses it with the same rules,
and a value stored before the rules (or by hand) is left out of the statistics and listed to correct."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from events.importers import AttendanceImporter
from events.models import Attendance, Session
from institutions.importers import InstitutionImporter, VisitImporter
from institutions.models import VisitCount
from portal.indicators import compute
from tests.events.conftest import publish
from tests.events.factories import HANOI, EventPageFactory
from tests.institutions.factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(db):
    library = InstitutionPageFactory(code="TV-CL", kind="library", level="district", sector="public")
    for year, visits in ((2021, 1000), (2025, 2000)):
        VisitCount.objects.create(
            institution=library, date=dt.date(year, 5, 1), purpose="learning", visits=visits
        )
    return library


def uses_row(year=2025):
    return next(r for r in compute(year) if r.indicator == "library_learning_uses")


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(1800, 1, 1)])
def test_a_visit_dated_far_back_neither_crashes_nor_moves_the_base_year(admin_client, library, day):
    before = uses_row()
    bad = VisitCount.objects.create(institution=library, date=day, purpose="learning", visits=5)
    after = uses_row()
    assert (after.base_year, after.average_growth, after.on_track) == (
        before.base_year,
        before.average_growth,
        before.on_track,
    )
    assert before.base_year == 2021
    response = admin_client.get(reverse("portal_statistics"), {"year": 2025})
    assert response.status_code == 200
    assert reverse("wagtailsnippets_institutions_visitcount:edit", args=[bad.pk]) in response.content.decode()
    errors = StringIO()
    call_command("indicators", "--year", "2025", stdout=StringIO(), stderr=errors)
    assert str(bad) in errors.getvalue()


def test_a_huge_stored_count_is_left_out_and_listed(admin_client, library):
    """Stored past the caps (the largest a PostgreSQL integer column holds; SQLite took up to 2**63 - 1)."""
    huge = VisitCount.objects.create(
        institution=library, date=dt.date(2025, 6, 1), purpose="learning", visits=2**31 - 1
    )
    assert uses_row().value == 2000
    response = admin_client.get(reverse("portal_statistics"), {"year": 2025})
    assert response.status_code == 200
    assert (
        reverse("wagtailsnippets_institutions_visitcount:edit", args=[huge.pk]) in response.content.decode()
    )


@pytest.mark.parametrize("date", ["0001-01-01", "1800-01-01", "2999-06-01", "9999-12-31", "1999-12"])
def test_imports_refuse_days_outside_the_plan(library, date):
    data = f"institution_code,date,visits,purpose,channel\nTV-CL,{date},5,learning,onsite\n".encode()
    with translation.override("en"):
        report = VisitImporter().run(data)
    assert not report.ok
    assert "2000" in report.errors[0].message
    assert VisitCount.objects.count() == 2


@pytest.mark.parametrize("visits", ["10000001", "9223372036854775807", "١٢", "1_000", "+7"])
def test_imports_refuse_counts_outside_the_rule(library, visits):
    data = (
        f"institution_code,date,visits,purpose,channel\nTV-CL,2025-03-01,{visits},learning,onsite\n".encode()
    )
    assert not VisitImporter().run(data).ok
    assert VisitCount.objects.count() == 2


def test_attendance_import_refuses_a_count_above_the_cap(library, frozen_now):
    event = publish(
        EventPageFactory(
            parent=library,
            uid="lop@tv-cl",
            start=dt.datetime(2026, 11, 2, 8, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 11, 2, 10, 0, tzinfo=HANOI),
        )
    )
    assert Session.objects.filter(event=event).exists()
    header = "institution_code,event_uid,session_start,attendees"
    for attendees in ("1000001", "99999999999999999999"):
        report = AttendanceImporter().run(
            f"{header}\nTV-CL,lop@tv-cl,2026-11-02 08:00,{attendees}\n".encode()
        )
        assert not report.ok
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("field,value", [("opened_on", "0001-01-01"), ("closed_on", "9999-12-31")])
def test_institution_imports_refuse_insane_opening_and_closing_days(db, field, value):
    header = "code,name,kind,level,sector,unit_code,opened_on,closed_on"
    dates = {"opened_on": "", "closed_on": "", field: value}
    row = f"TV-MOI,Thư viện mới,library,commune,public,18406,{dates['opened_on']},{dates['closed_on']}"
    data = f"{header}\n{row}\n"
    assert not InstitutionImporter().run(data.encode()).ok


def test_snippet_forms_use_the_same_rules(admin_client, library):
    count = VisitCount.objects.filter(institution=library).first()
    url = reverse("wagtailsnippets_institutions_visitcount:edit", args=[count.pk])
    for date, visits in (("0001-01-01", "5"), ("2025-05-01", str(2**63 - 1)), ("2025-05-01", "10000001")):
        data = {
            "institution": library.pk,
            "period": "day",
            "date": date,
            "purpose": "learning",
            "channel": "onsite",
            "visits": visits,
        }
        response = admin_client.post(url, data)
        assert response.status_code == 200  # the form again, with the error
    count.refresh_from_db()
    assert (count.date, count.visits) in {(dt.date(2021, 5, 1), 1000), (dt.date(2025, 5, 1), 2000)}


def test_a_huge_cell_is_explained_in_vietnamese(library):
    data = "institution_code,date,visits,purpose,channel\nTV-CL,2025-03-01,5,learning," + "x" * 200_000 + "\n"
    with translation.override("vi"):
        report = VisitImporter().run(data.encode())
    assert not report.ok
    message = report.errors[0].message
    assert "131.072" in message and "field limit" not in message


def test_attendance_for_a_session_not_held_yet_is_refused_by_import_and_snippet_form(
    admin_client, library, frozen_now
):
    """25/11/2026: the session of 02/12 has not taken place; no path records a headcount for it."""
    from events.models import NOT_HELD_YET

    publish(
        EventPageFactory(
            parent=library,
            uid="sap-toi@tv-cl",
            start=dt.datetime(2026, 12, 2, 8, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 12, 2, 10, 0, tzinfo=HANOI),
        )
    )
    header = "institution_code,event_uid,session_start,attendees"
    report = AttendanceImporter().run(f"{header}\nTV-CL,sap-toi@tv-cl,2026-12-02 08:00,20\n".encode())
    assert [(error.line, str(NOT_HELD_YET) in error.message) for error in report.errors] == [(2, True)]
    assert not Attendance.objects.exists()

    session = Session.objects.get(event__uid="sap-toi@tv-cl")
    record = Attendance.objects.create(session=session, attendees=5)  # stored before the rule
    url = reverse("wagtailsnippets_events_attendance:edit", args=[record.pk])
    response = admin_client.post(url, {"attendees": "20", "children": "", "women": "", "disabled": ""})
    assert response.status_code == 200  # the form again, with the reason
    assert str(NOT_HELD_YET) in response.content.decode()
    record.refresh_from_db()
    assert record.attendees == 5
