import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from institutions.models import Closure, InstitutionPage

from .factories import ClosureFactory, InstitutionPageFactory, OpeningHoursFactory

pytestmark = pytest.mark.django_db
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def at(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=HANOI)


@pytest.fixture
def library():
    page = InstitutionPageFactory()
    for weekday in range(0, 6):  # Monday to Saturday
        OpeningHoursFactory(page=page, weekday=weekday, opens=dt.time(7, 30), closes=dt.time(11, 30))
        OpeningHoursFactory(page=page, weekday=weekday, opens=dt.time(13, 30), closes=dt.time(17, 0))
    return InstitutionPage.objects.get(pk=page.pk)


def test_open_during_a_period(library):
    assert library.is_open(at(2026, 11, 25, 9, 0))  # a Wednesday


def test_closed_between_morning_and_afternoon(library):
    assert not library.is_open(at(2026, 11, 25, 12, 0))


def test_closing_time_is_exclusive(library):
    assert not library.is_open(at(2026, 11, 25, 17, 0))
    assert library.is_open(at(2026, 11, 25, 16, 59))


def test_closed_on_a_day_without_hours(library):
    assert not library.is_open(at(2026, 11, 29, 9, 0))  # a Sunday


def test_time_is_read_in_the_portal_time_zone(library):
    # 02:00 UTC is 09:00 in Hà Tĩnh.
    assert library.is_open(dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.UTC))
    assert not library.is_open(dt.datetime(2026, 11, 25, 11, 0, tzinfo=dt.UTC))


def test_closed_the_first_monday_of_the_month(library):
    ClosureFactory(page=library, rule=Closure.Rule.MONTHLY, nth=1, weekday=0)
    assert not library.is_open(at(2026, 12, 7, 9, 0))  # first Monday of December 2026
    assert library.is_open(at(2026, 12, 14, 9, 0))  # second Monday


def test_closed_the_last_friday_of_the_month(library):
    ClosureFactory(page=library, rule=Closure.Rule.MONTHLY, nth=-1, weekday=4)
    assert not library.is_open(at(2026, 11, 27, 9, 0))
    assert library.is_open(at(2026, 11, 20, 9, 0))


def test_closed_during_a_date_range(library):
    ClosureFactory(
        page=library,
        rule=Closure.Rule.DATES,
        nth=None,
        weekday=None,
        start_date=dt.date(2027, 2, 5),
        end_date=dt.date(2027, 2, 10),
    )
    assert not library.is_open(at(2027, 2, 5, 9, 0))
    assert not library.is_open(at(2027, 2, 10, 9, 0))
    assert library.is_open(at(2027, 2, 11, 9, 0))


def test_closed_before_opening_and_after_closing_dates(library):
    library.opened_on = dt.date(2026, 12, 1)
    assert not library.is_open(at(2026, 11, 25, 9, 0))
    library.opened_on = None
    library.closed_on = dt.date(2026, 11, 24)
    assert not library.is_open(at(2026, 11, 25, 9, 0))


def test_hours_by_weekday_lists_every_day_monday_first(library):
    days = library.hours_by_weekday()
    assert len(days) == 7
    assert [weekday for weekday, _label, _periods in days] == [0, 1, 2, 3, 4, 5, 6]
    assert [len(periods) for _weekday, _label, periods in days] == [2, 2, 2, 2, 2, 2, 0]


def test_monthly_closure_needs_which_and_weekday():
    with pytest.raises(ValidationError):
        Closure(rule=Closure.Rule.MONTHLY, nth=1).clean()


def test_opening_hours_must_end_after_they_start():
    with pytest.raises(ValidationError):
        OpeningHoursFactory.build(opens=dt.time(17, 0), closes=dt.time(8, 0)).clean()


def test_closing_date_before_opening_date_is_refused():
    page = InstitutionPageFactory.build(opened_on=dt.date(2020, 1, 1), closed_on=dt.date(2019, 1, 1))
    with pytest.raises(ValidationError):
        page.clean()


def test_active_in_year_follows_opening_and_closing_dates():
    always = InstitutionPageFactory()
    closed_2024 = InstitutionPageFactory(closed_on=dt.date(2024, 6, 30))
    opened_2026 = InstitutionPageFactory(opened_on=dt.date(2026, 3, 1))
    active_2025 = set(InstitutionPage.objects.active_in(2025))
    assert always in active_2025
    assert closed_2024 not in active_2025
    assert opened_2026 not in active_2025
    assert closed_2024 in set(InstitutionPage.objects.active_in(2024))
