"""The attendance, visits and services imports (SPEC §7), on the shared import machinery."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import translation
from wagtail.models import ModelLogEntry

from events.importers import AttendanceImporter
from events.models import Attendance, Session
from institutions.importers import ServiceRecordImporter, VisitImporter
from institutions.models import ServiceRecord, VisitCount
from tests.events.factories import EventPageFactory
from tests.institutions.factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db


def csv_bytes(header: str, *rows: str) -> bytes:
    return ("\ufeff" + "\n".join([header, *rows]) + "\n").encode()


def run(importer_class, data: bytes, **kwargs):
    with translation.override("en"):
        return importer_class().run(data, **kwargs)


@pytest.fixture
def library(db):
    return InstitutionPageFactory(code="TV-CL")


@pytest.fixture
def weekly(frozen_now, library):
    from events.models import SessionChange
    from tests.events.conftest import publish
    from tests.events.factories import HANOI

    event = EventPageFactory(
        parent=library,
        uid="clb@test",
        start=dt.datetime(2026, 11, 3, 8, 0, tzinfo=HANOI),
        end=dt.datetime(2026, 11, 3, 10, 0, tzinfo=HANOI),
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    event.changes.add(
        SessionChange(
            original_date=dt.date(2026, 11, 10), new_start=dt.datetime(2026, 11, 11, 14, 0, tzinfo=HANOI)
        )
    )
    return publish(event)


ATTENDANCE = "institution_code,event_uid,session_start,attendees,children,women,disabled,note"


def test_attendance_import_records_each_session_and_logs_it(weekly):
    report = run(
        AttendanceImporter,
        csv_bytes(
            ATTENDANCE,
            "TV-CL,clb@test,2026-11-03 08:00,25,5,12,1,Trời mưa",
            "TV-CL,clb@test,2026-11-11 14:00,30,,,,",  # the moved session at its new time
            "TV-CL,clb@test,2026-11-17T01:00:00+00:00,28,,,,",  # ISO 8601 with an offset
        ),
    )
    assert report.ok, report.errors
    assert report.created == 3
    first = Attendance.objects.get(session__start__date=dt.date(2026, 11, 3))
    assert (first.attendees, first.children, first.women, first.disabled, first.note) == (
        25,
        5,
        12,
        1,
        "Trời mưa",
    )
    assert (
        ModelLogEntry.objects.filter(action="wagtail.create", content_type__model="attendance").count() == 3
    )


def test_a_moved_session_is_found_by_its_original_time_too(weekly):
    report = run(AttendanceImporter, csv_bytes(ATTENDANCE, "TV-CL,clb@test,2026-11-10 08:00,30,,,,"))
    assert report.created == 1
    assert Attendance.objects.get().session.status == "moved"


def test_reimporting_attendance_replaces_never_adds(weekly):
    data = csv_bytes(ATTENDANCE, "TV-CL,clb@test,2026-11-03 08:00,25,,,,")
    run(AttendanceImporter, data)
    assert run(AttendanceImporter, data).unchanged == 1
    report = run(AttendanceImporter, csv_bytes(ATTENDANCE, "TV-CL,clb@test,2026-11-03 08:00,27,,,,"))
    assert report.updated == 1
    assert Attendance.objects.get().attendees == 27
    assert Attendance.objects.count() == 1


@pytest.mark.parametrize(
    "row, reason",
    [
        ("NOPE,clb@test,2026-11-03 08:00,25,,,,", "institution_code"),
        ("TV-CL,none@test,2026-11-03 08:00,25,,,,", "event_uid"),
        ("TV-CL,clb@test,2026-11-04 08:00,25,,,,", "session_start"),
        ("TV-CL,clb@test,03/11/2026 08:00,25,,,,", "session_start"),
        ("TV-CL,clb@test,2026-11-03 08:00,-1,,,,", "attendees"),
        ("TV-CL,clb@test,2026-11-03 08:00,many,,,,", "attendees"),
        ("TV-CL,clb@test,2026-11-03 08:00,10,11,,,", "children"),
    ],
)
def test_a_bad_attendance_row_is_an_error_and_nothing_is_written(weekly, row, reason):
    report = run(AttendanceImporter, csv_bytes(ATTENDANCE, "TV-CL,clb@test,2026-11-17 08:00,20,,,,", row))
    assert [error.line for error in report.errors] == [3]
    assert reason in str(report.errors[0])
    assert not Attendance.objects.exists()


def test_a_session_with_attendance_survives_a_schedule_change(weekly):
    run(AttendanceImporter, csv_bytes(ATTENDANCE, "TV-CL,clb@test,2026-11-17 08:00,20,,,,"))
    from tests.events.conftest import publish

    weekly.rrule = "FREQ=WEEKLY;COUNT=1"
    publish(weekly)
    kept = Session.objects.get(attendance__isnull=False)
    assert not kept.in_schedule
    assert Attendance.objects.get().attendees == 20


VISITS = "institution_code,date,visits,purpose,channel"


def test_visits_import_by_day_and_by_month(library):
    report = run(
        VisitImporter,
        csv_bytes(VISITS, "TV-CL,2025-03-04,120,learning,onsite", "TV-CL,2025-03,900,other,virtual"),
    )
    assert report.ok, report.errors
    monthly = VisitCount.objects.get(period="month")
    assert (monthly.date, monthly.visits, monthly.channel) == (dt.date(2025, 3, 1), 900, "virtual")
    assert run(VisitImporter, csv_bytes(VISITS, "TV-CL,2025-03,950,other,virtual")).updated == 1
    assert VisitCount.objects.count() == 2
    assert ModelLogEntry.objects.filter(action="wagtail.edit", content_type__model="visitcount").count() == 1


@pytest.mark.parametrize(
    "row, reason",
    [
        ("NOPE,2025-03-04,1,learning,onsite", "institution_code"),
        ("TV-CL,04/03/2025,1,learning,onsite", "date"),
        ("TV-CL,2025-03-04,-5,learning,onsite", "visits"),
        ("TV-CL,2025-03-04,1,fun,onsite", "purpose"),
        ("TV-CL,2025-03-04,1,learning,radio", "channel"),
        ("TV-CL,2025-03-05,1,learning,onsite", "line 2"),
    ],
)
def test_a_bad_visit_row_is_an_error(library, row, reason):
    report = run(VisitImporter, csv_bytes(VISITS, "TV-CL,2025-03-05,1,learning,onsite", row))
    assert [error.line for error in report.errors] == [3]
    assert reason in str(report.errors[0])
    assert not VisitCount.objects.exists()


SERVICES = "institution_code,year,lifelong_learning_services,digital_transformation,note"


def test_services_import_reads_yes_no_in_both_languages(library):
    other = InstitutionPageFactory(code="TV-HS")
    report = run(
        ServiceRecordImporter, csv_bytes(SERVICES, "TV-CL,2025,có,không,Ghi chú", "TV-HS,2025,1,yes,")
    )
    assert report.ok, report.errors
    assert ServiceRecord.objects.get(institution=library).lifelong_learning_services is True
    assert ServiceRecord.objects.get(institution=other).digital_transformation is True
    assert run(ServiceRecordImporter, csv_bytes(SERVICES, "TV-CL,2025,có,không,Ghi chú")).unchanged == 1
    assert run(ServiceRecordImporter, csv_bytes(SERVICES, "TV-CL,2025,có,CÓ,Ghi chú")).updated == 1
    assert ServiceRecord.objects.count() == 2


@pytest.mark.parametrize(
    "row, reason",
    [
        ("TV-CL,2025,maybe,0,", "lifelong_learning_services"),
        ("TV-CL,1999,1,0,", "year"),
        ("NOPE,2025,1,0,", "institution_code"),
    ],
)
def test_a_bad_services_row_is_an_error(library, row, reason):
    report = run(ServiceRecordImporter, csv_bytes(SERVICES, row))
    assert reason in str(report.errors[0])
    assert not ServiceRecord.objects.exists()


def test_every_kind_is_a_subcommand(tmp_path, library):
    path = tmp_path / "services.csv"
    path.write_bytes(csv_bytes(SERVICES, "TV-CL,2025,1,1,"))
    call_command("import_data", "services", str(path))
    assert ServiceRecord.objects.filter(institution=library, year=2025).exists()


def test_a_record_saved_by_a_colleague_during_an_import_stops_it_with_a_message(library):
    """The import planned to create a count that a colleague then saved on the visit grid: the import
    writes nothing and says so, never a database traceback."""
    importer = VisitImporter()
    plan_only = importer.check

    def colleague_saves_after_the_plan(data, dry_run):
        planned = plan_only(data, dry_run)
        VisitCount.objects.create(
            institution=library, date=dt.date(2025, 3, 1), purpose="learning", channel="onsite", visits=7
        )
        return planned

    importer.check = colleague_saves_after_the_plan
    with translation.override("en"):
        report = importer.run(
            csv_bytes("institution_code,date,visits,purpose,channel", "TV-CL,2025-03-01,120,learning,onsite")
        )
    assert not report.ok
    assert "Import the file again" in report.errors[0].message
    assert not VisitCount.objects.filter(visits=120).exists()
