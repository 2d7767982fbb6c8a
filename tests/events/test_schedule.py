import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from events.choices import SessionStatus
from events.models import EventDate, Session
from events.schedule import materialise_sessions

from .conftest import publish
from .factories import HANOI, EventPageFactory

pytestmark = pytest.mark.django_db


def local(moment):
    return moment.astimezone(HANOI)


def starts(event):
    return [
        local(s.start).strftime("%d/%m %H:%M") for s in Session.objects.filter(event=event).order_by("start")
    ]


def test_publishing_materialises_every_session(weekly_class):
    assert starts(weekly_class) == [
        "01/12 08:00",
        "03/12 08:00",
        "16/12 14:00",
        "17/12 08:00",
        "19/12 08:00",
        "22/12 08:00",
        "24/12 08:00",
        "29/12 08:00",
        "31/12 08:00",
    ]


def test_moved_and_cancelled_sessions_keep_their_original_time(weekly_class):
    moved = Session.objects.get(event=weekly_class, status=SessionStatus.MOVED)
    assert local(moved.original_start) == dt.datetime(2026, 12, 15, 8, 0, tzinfo=HANOI)
    assert local(moved.end) == dt.datetime(2026, 12, 16, 16, 0, tzinfo=HANOI)
    cancelled = Session.objects.get(event=weekly_class, status=SessionStatus.CANCELLED)
    assert cancelled.note == "Nghỉ lễ"
    extra = Session.objects.get(event=weekly_class, is_extra=True)
    assert local(extra.start).date() == dt.date(2026, 12, 19)


def test_sessions_belong_to_the_event_institution(weekly_class):
    assert set(Session.objects.filter(event=weekly_class).values_list("institution", flat=True)) == {
        weekly_class.get_parent().pk
    }


def test_republishing_an_unchanged_event_changes_no_session(weekly_class):
    before = list(Session.objects.filter(event=weekly_class).values_list("pk", "start"))
    publish(weekly_class)
    assert list(Session.objects.filter(event=weekly_class).values_list("pk", "start")) == before


def test_changing_the_schedule_removes_and_adds_sessions(weekly_class):
    weekly_class.dates.add(EventDate(kind=EventDate.Kind.EXCLUDE, date=dt.date(2026, 12, 22)))
    weekly_class.rrule = "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20261224T165959Z"
    publish(weekly_class)
    assert starts(weekly_class) == [
        "01/12 08:00",
        "03/12 08:00",
        "16/12 14:00",
        "17/12 08:00",
        "19/12 08:00",
        "24/12 08:00",
    ]


def test_a_dropped_session_with_records_stays_marked_unscheduled(weekly_class, monkeypatch):
    kept = Session.objects.get(event=weekly_class, start__date=dt.date(2026, 12, 31))
    monkeypatch.setattr(Session, "has_records", lambda session: session.pk == kept.pk)
    weekly_class.rrule = "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20261224T165959Z"
    publish(weekly_class)
    kept.refresh_from_db()
    assert not kept.in_schedule
    assert not Session.objects.filter(event=weekly_class, start__date=dt.date(2026, 12, 29)).exists()


def test_unpublishing_removes_the_sessions(weekly_class):
    weekly_class.unpublish()
    assert not Session.objects.filter(event=weekly_class).exists()


def test_a_one_off_event_has_one_session(frozen_now):
    event = publish(EventPageFactory(rrule=""))
    assert Session.objects.filter(event=event).count() == 1


def test_an_all_day_multi_day_event_runs_midnight_to_midnight(frozen_now):
    event = publish(
        EventPageFactory(
            all_day=True,
            start=dt.datetime(2026, 12, 20, 0, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 12, 22, 0, 0, tzinfo=HANOI),
        )
    )
    session = Session.objects.get(event=event)
    assert local(session.start) == dt.datetime(2026, 12, 20, 0, 0, tzinfo=HANOI)
    assert local(session.end) == dt.datetime(2026, 12, 23, 0, 0, tzinfo=HANOI)
    assert session.all_day


def test_first_sunday_of_each_month_with_a_count(frozen_now):
    event = publish(
        EventPageFactory(
            start=dt.datetime(2026, 12, 6, 15, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 12, 6, 17, 0, tzinfo=HANOI),
            rrule="FREQ=MONTHLY;BYDAY=1SU;COUNT=4",
        )
    )
    assert starts(event) == ["06/12 15:00", "03/01 15:00", "07/02 15:00", "07/03 15:00"]


def test_every_two_days_fifteen_times(frozen_now):
    event = publish(EventPageFactory(rrule="FREQ=DAILY;INTERVAL=2;COUNT=15"))
    assert Session.objects.filter(event=event).count() == 15


def test_an_open_ended_rule_stops_at_the_horizon_and_extend_sessions_moves_it(frozen_now, settings):
    settings.EVENTS_SESSION_HORIZON_DAYS = 30
    event = publish(EventPageFactory(rrule="FREQ=WEEKLY"))
    assert Session.objects.filter(event=event).count() == 4  # 01/12 … 22/12, before 25/12
    with time_machine.travel(dt.datetime(2027, 1, 25, 9, 0, tzinfo=HANOI), tick=False):
        call_command("extend_sessions")
    assert Session.objects.filter(event=event).count() == 13  # every Tuesday to 23/02/2027


def test_past_sessions_back_to_the_first_are_stored(frozen_now):
    event = publish(
        EventPageFactory(
            start=dt.datetime(2024, 1, 2, 8, 0, tzinfo=HANOI),
            end=dt.datetime(2024, 1, 2, 9, 0, tzinfo=HANOI),
            rrule="FREQ=WEEKLY;UNTIL=20241231T165959Z",
        )
    )
    assert Session.objects.filter(event=event).count() == 53


def test_materialising_reports_what_changed(weekly_class):
    assert materialise_sessions(weekly_class) == (0, 0, 0)
