"""Each indicator of SPEC §4 on small hand-made data."""

import datetime as dt
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from core.text import number
from events.models import Attendance, Audience, Session, SessionChange
from events.self_check_in import self_check_in
from institutions.models import AdministrativeUnit, InstitutionPage, ServiceRecord, VisitCount
from portal.indicators import compute
from portal.models import Target
from tests.events.conftest import publish
from tests.events.factories import HANOI, EventPageFactory
from tests.institutions.factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db


def unit(code, on=None):
    return AdministrativeUnit.objects.for_code(code, on=on)


def row(rows, indicator, group):
    return next(r for r in rows if (r.indicator, r.group) == (indicator, group))


def district_library(**kwargs):
    return InstitutionPageFactory(kind="library", level="district", sector="public", **kwargs)


def weekly(institution, year=2025, count=1, kind="class", **kwargs):
    return publish(
        EventPageFactory(
            parent=institution,
            kind=kind,
            start=dt.datetime(year, 3, 3, 8, 0, tzinfo=HANOI),
            end=dt.datetime(year, 3, 3, 10, 0, tzinfo=HANOI),
            rrule=f"FREQ=WEEKLY;COUNT={count}",
            **kwargs,
        )
    )


def test_empty_denominator_is_no_data_not_zero():
    rows = compute(2025)
    lifelong = row(rows, "lifelong_learning_services", "library_district_public")
    assert lifelong.value is None and lifelong.denominator == 0
    assert row(rows, "library_learning_uses", "library_all").value is None


def test_lifelong_learning_counts_a_held_session_or_a_service_record():
    with_session = district_library()
    weekly(with_session)
    with_record = district_library()
    ServiceRecord.objects.create(institution=with_record, year=2025, lifelong_learning_services=True)
    district_library()  # neither
    result = row(compute(2025), "lifelong_learning_services", "library_district_public")
    assert (result.numerator, result.denominator, result.value) == (2, 3, Decimal(200) / 3)
    assert result.target == Decimal("70")
    assert result.on_track is False


def test_a_cancelled_session_or_an_unpublished_event_is_not_held():
    cancelled = district_library()
    event = EventPageFactory(
        parent=cancelled,
        start=dt.datetime(2025, 3, 3, 8, 0, tzinfo=HANOI),
        end=dt.datetime(2025, 3, 3, 9, 0, tzinfo=HANOI),
    )
    event.changes.add(SessionChange(original_date=dt.date(2025, 3, 3), cancelled=True))
    publish(event)
    unpublished = district_library()
    weekly(unpublished).unpublish()
    result = row(compute(2025), "lifelong_learning_services", "library_district_public")
    assert (result.numerator, result.denominator) == (0, 2)


def test_institutions_opened_or_closed_during_the_year_count_only_when_active():
    district_library(opened_on=dt.date(2025, 12, 31))  # active in 2025
    district_library(closed_on=dt.date(2025, 1, 1))  # active in 2025
    district_library(closed_on=dt.date(2024, 12, 31))  # not active in 2025
    district_library(opened_on=dt.date(2026, 1, 1))  # not yet
    assert row(compute(2025), "lifelong_learning_services", "library_district_public").denominator == 2


def test_digital_transformation_counts_service_records_only():
    library = district_library()
    weekly(library)
    ServiceRecord.objects.create(institution=district_library(), year=2025, digital_transformation=True)
    result = row(compute(2025), "digital_transformation", "library_district_public")
    assert (result.numerator, result.denominator) == (1, 2)


def test_groups_follow_kind_level_and_sector():
    InstitutionPageFactory(kind="library", level="commune", sector="public")
    InstitutionPageFactory(kind="library", level="province", sector="armed_forces")
    InstitutionPageFactory(kind="library", level="commune", sector="education")
    rows = compute(2025)
    assert row(rows, "lifelong_learning_services", "library_commune_public").denominator == 1
    assert row(rows, "lifelong_learning_services", "library_armed_forces").denominator == 1
    assert row(rows, "lifelong_learning_services", "library_education").denominator == 1
    assert row(rows, "lifelong_learning_services", "library_district_public").denominator == 0


def test_age_group_activities_needs_an_event_with_an_audience():
    with_audience = InstitutionPageFactory(kind="cultural_centre", level="district")
    event = weekly(with_audience)
    event.audiences.set(Audience.objects.filter(code="children"))
    publish(event)
    weekly(InstitutionPageFactory(kind="cultural_centre", level="district"))
    result = row(compute(2025), "age_group_activities", "culture_district")
    assert (result.numerator, result.denominator) == (1, 2)


def test_regular_clubs_need_ten_sessions_of_one_class_club_or_group(settings):
    ten = InstitutionPageFactory(kind="cultural_centre", level="commune")
    weekly(ten, count=10, kind="club")
    nine = InstitutionPageFactory(kind="cultural_centre", level="village")
    weekly(nine, count=9, kind="club")
    talks = InstitutionPageFactory(kind="cultural_centre", level="commune")
    weekly(talks, count=12, kind="talk")
    split = InstitutionPageFactory(kind="cultural_centre", level="commune")
    weekly(split, count=5, kind="class")
    weekly(split, count=5, kind="class")
    result = row(compute(2025), "regular_clubs_classes", "culture_commune_village")
    assert (result.numerator, result.denominator) == (1, 4)
    settings.INDICATORS_REGULAR_SESSIONS = 9
    assert row(compute(2025), "regular_clubs_classes", "culture_commune_village").numerator == 2


def test_regular_clubs_also_count_a_service_record():
    house = InstitutionPageFactory(kind="cultural_centre", level="village")
    ServiceRecord.objects.create(institution=house, year=2025, lifelong_learning_services=True)
    assert row(compute(2025), "regular_clubs_classes", "culture_commune_village").numerator == 1


def test_library_uses_add_learning_visits_and_attendance_with_growth():
    library = district_library()
    for year, visits in ((2023, 1000), (2024, 1100), (2025, 1200)):
        VisitCount.objects.create(
            institution=library, date=dt.date(year, 5, 1), period="month", purpose="learning", visits=visits
        )
        VisitCount.objects.create(institution=library, date=dt.date(year, 5, 2), purpose="other", visits=999)
    event = weekly(library, count=2)
    for session in Session.objects.filter(event=event):
        Attendance.objects.create(session=session, attendees=50)
    museum = InstitutionPageFactory(kind="museum")
    VisitCount.objects.create(institution=museum, date=dt.date(2025, 5, 1), purpose="learning", visits=77)
    result = row(compute(2025), "library_learning_uses", "library_all")
    assert result.value == 1300
    assert result.growth == (Decimal(1300) / 1100 - 1) * 100  # unrounded: 18.18…
    with translation.override("vi"):
        assert (number(result.growth), number(result.average_growth)) == ("18,2", "14,0")
    assert result.base_year == 2023
    assert round(result.average_growth, 10) == round(Decimal("130").sqrt() * 10 - 100, 10)  # 14.017…
    assert row(compute(2025), "museum_study_visits", "museum_all").value == 77


def test_the_base_year_is_the_first_year_any_institution_of_the_group_has_a_count():
    with_visits, with_classes = district_library(), district_library()
    VisitCount.objects.create(
        institution=with_visits, date=dt.date(2023, 5, 1), purpose="learning", visits=10
    )
    VisitCount.objects.create(institution=with_visits, date=dt.date(2020, 5, 1), purpose="other", visits=10)
    weekly(with_visits, year=2021)  # held, but nobody counted its attendance
    counted = weekly(with_classes, year=2022)
    Attendance.objects.create(session=Session.objects.get(event=counted), attendees=12)
    weekly(with_classes, year=2025)
    museum = InstitutionPageFactory(kind="museum")
    VisitCount.objects.create(institution=museum, date=dt.date(2019, 5, 1), purpose="learning", visits=5)
    assert row(compute(2025), "library_learning_uses", "library_all").base_year == 2022
    assert row(compute(2022), "library_learning_uses", "library_all").base_year is None


def test_growth_with_a_missing_year_is_no_data():
    library = district_library()
    VisitCount.objects.create(institution=library, date=dt.date(2023, 5, 1), purpose="learning", visits=100)
    VisitCount.objects.create(institution=library, date=dt.date(2025, 5, 1), purpose="learning", visits=121)
    result = row(compute(2025), "library_learning_uses", "library_all")
    assert result.growth is None
    assert result.average_growth == 10  # (121 / 100) ** (1/2) - 1, exactly
    assert result.on_track is True  # 10% a year against the 2025 target of 10%


def test_an_area_restricts_to_institutions_in_it_and_below():
    in_can_loc = district_library(unit=unit("443"))
    in_old_commune = InstitutionPageFactory(
        kind="library", level="commune", sector="public", unit=unit("18406", on=dt.date(2025, 1, 1))
    )
    in_new_commune = InstitutionPageFactory(
        kind="library", level="commune", sector="public", unit=unit("18406")
    )
    weekly(in_can_loc)
    weekly(in_old_commune)
    weekly(in_new_commune)
    rows = compute(2025, unit("443"))
    assert row(rows, "lifelong_learning_services", "library_district_public").denominator == 1
    assert row(rows, "lifelong_learning_services", "library_commune_public").denominator == 1
    assert (
        row(compute(2025, unit("18406")), "lifelong_learning_services", "library_commune_public").denominator
        == 1
    )
    assert row(compute(2025), "lifelong_learning_services", "library_commune_public").denominator == 2
    assert rows[0].area == "443"


def test_command_prints_the_same_numbers_as_json():
    library = district_library()
    weekly(library)
    output = StringIO()
    call_command("indicators", "--year", "2025", "--format", "json", stdout=output)
    data = json.loads(output.getvalue())
    first = data[0]
    assert first["indicator"] == "lifelong_learning_services"
    assert (first["value"], first["numerator"], first["denominator"], first["area"]) == (100.0, 1, 1, None)
    assert first["target"] == 70.0
    uses = next(item for item in data if item["indicator"] == "library_learning_uses")
    assert uses["value"] is None and uses["growth"] is None and "numerator" not in uses


def test_figures_stay_unrounded_until_shown():
    """Two of three libraries: 66.666… %, not 66.7 %. Against a target of 66.7 % it is not met, though it
    shows as 66,7 %; the JSON carries the figure itself (SPEC §4: rounding at display only)."""
    for _index in range(3):
        district_library()
    for library in InstitutionPage.objects.all()[:2]:
        ServiceRecord.objects.create(institution=library, year=2025, lifelong_learning_services=True)
    Target.objects.filter(indicator="lifelong_learning_services", group="library_district_public").update(
        target_2025=Decimal("66.7")
    )
    result = row(compute(2025), "lifelong_learning_services", "library_district_public")
    assert result.value == Decimal(200) / 3 and result.on_track is False
    with translation.override("vi"):
        assert number(result.value) == "66,7"
    output = StringIO()
    call_command("indicators", "--year", "2025", "--format", "json", stdout=output)
    first = json.loads(output.getvalue())[0]
    assert first["value"] == pytest.approx(200 / 3, rel=1e-15) and first["on_track"] is False
    assert (first["target"], first["target_2025"], first["target_2030"]) == (66.7, 66.7, 80.0)
    assert first["target_2030_to"] is None
    ranged = next(item for item in json.loads(output.getvalue()) if item["target_2030_to"] is not None)
    assert isinstance(ranged["target_2030"], float) and ranged["target_2030"] < ranged["target_2030_to"]


def test_command_csv_has_a_bom_and_the_table_is_readable():
    output = StringIO()
    call_command("indicators", "--year", "2025", "--format", "csv", stdout=output)
    assert output.getvalue().startswith("\ufeff")
    output = StringIO()
    call_command("indicators", "--year", "2025", "--area", "443", stdout=output)
    assert "2025" in output.getvalue()


def test_command_refuses_a_bad_area():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("indicators", "--year", "2025", "--area", "999999")


def check_in(session, people):
    """People checking themselves in at the session, one phone each (SPEC §9)."""
    for phone in range(people):
        self_check_in(session, f"phone-{session.pk}-{phone}", session.start)


def test_a_session_counts_its_typed_headcount_else_the_people_checked_in():
    library = district_library()
    event = weekly(library, count=3)
    typed, checked_only, neither = Session.objects.filter(event=event).order_by("start")
    Attendance.objects.create(session=typed, attendees=12)
    check_in(typed, 5)  # the headcount typed wins
    check_in(checked_only, 7)
    result = row(compute(2025), "library_learning_uses", "library_all")
    assert result.value == 12 + 7
    only_check_ins = weekly(district_library(), year=2023)
    check_in(Session.objects.get(event=only_check_ins), 3)
    assert row(compute(2025), "library_learning_uses", "library_all").base_year == 2023
