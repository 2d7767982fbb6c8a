"""The schedule in one sentence, at the top of the event page (README, "What's on")."""

import datetime as dt

import pytest
from django.utils import translation

from events.models import EventDate, Session
from events.schedule_text import days_until, schedule_sentence

from .conftest import publish
from .factories import HANOI, EventPageFactory

pytestmark = pytest.mark.django_db


def sentence(event, language="vi") -> str:
    with translation.override(language):
        return schedule_sentence(event)


def test_a_weekly_class_with_dates_off_an_extra_date_and_a_cancelled_session(weekly_class):
    assert sentence(weekly_class) == (
        "Thứ Ba và Thứ Năm hằng tuần, 08:00–10:00, từ 01/12/2026 đến 31/12/2026; "
        "nghỉ ngày 08/12/2026, 10/12/2026 và 29/12/2026; thêm buổi ngày 19/12/2026"
    )
    assert sentence(weekly_class, "en") == (
        "Every week on Tuesday and Thursday, 08:00–10:00, from 01/12/2026 to 31/12/2026; "
        "no session on 08/12/2026, 10/12/2026 and 29/12/2026; also on 19/12/2026"
    )


def test_the_first_sunday_of_each_month(frozen_now):
    event = publish(
        EventPageFactory(
            start=dt.datetime(2026, 12, 6, 19, 30, tzinfo=HANOI),
            end=dt.datetime(2026, 12, 6, 21, 0, tzinfo=HANOI),
            rrule="FREQ=MONTHLY;BYDAY=1SU;COUNT=3",
        )
    )
    assert sentence(event) == "Chủ Nhật đầu tiên hằng tháng, 19:30–21:00, từ 06/12/2026 đến 07/02/2027"
    assert (
        sentence(event, "en") == "The first Sunday of each month, 19:30–21:00, from 06/12/2026 to 07/02/2027"
    )


def test_many_dates_off_are_counted_after_the_first_three(frozen_now):
    event = EventPageFactory(
        start=dt.datetime(2026, 12, 1, 7, 0, tzinfo=HANOI),
        end=dt.datetime(2026, 12, 1, 8, 0, tzinfo=HANOI),
        rrule="FREQ=DAILY;COUNT=20",
    )
    for day in range(2, 8):
        event.dates.add(EventDate(kind=EventDate.Kind.EXCLUDE, date=dt.date(2026, 12, day)))
    text = sentence(publish(event), "en")
    assert text.startswith("Every day, 07:00–08:00, from 01/12/2026 to 20/12/2026; no session on ")
    assert text.endswith("02/12/2026, 03/12/2026, 04/12/2026 and 3 more days")


def test_a_one_off_event_and_an_all_day_exhibition(frozen_now):
    talk = publish(
        EventPageFactory(
            start=dt.datetime(2026, 12, 12, 14, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 12, 12, 16, 0, tzinfo=HANOI),
        )
    )
    assert sentence(talk) == "Thứ Bảy, 12/12/2026, 14:00–16:00"
    assert sentence(talk, "en") == "Saturday, 12/12/2026, 14:00–16:00"
    exhibition = publish(
        EventPageFactory(
            all_day=True,
            start=dt.datetime(2026, 12, 20, 0, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 12, 27, 0, 0, tzinfo=HANOI),
        )
    )
    assert sentence(exhibition) == "20/12/2026–27/12/2026"
    weekly_all_day = publish(
        EventPageFactory(
            all_day=True,
            start=dt.datetime(2026, 12, 5, 0, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 12, 5, 0, 0, tzinfo=HANOI),
            rrule="FREQ=WEEKLY;COUNT=4",
        )
    )
    assert sentence(weekly_all_day, "en") == "Every week on Saturday, all day, from 05/12/2026 to 26/12/2026"


def test_days_until_the_next_session():
    today = dt.date(2026, 11, 25)
    with translation.override("vi"):
        assert days_until(today, today) == "hôm nay"
        assert days_until(dt.date(2026, 11, 26), today) == "ngày mai"
        assert days_until(dt.date(2026, 12, 1), today) == "còn 6 ngày"


def test_the_event_page_opens_with_what_when_where_price_and_contact(client, weekly_class):
    content = client.get(weekly_class.url).content.decode()
    summary = content[content.index("data-schedule-summary") : content.index("</dl>")]
    assert "Thứ Ba và Thứ Năm hằng tuần, 08:00–10:00" in summary
    assert "còn 6 ngày" in summary  # the next session is on Tuesday 01/12, from Wednesday 25/11
    assert "Miễn phí" in summary or "Giá" in summary
    assert content.index("data-schedule-summary") < content.index('id="sessions-heading"')
    assert Session.objects.filter(event=weekly_class).count() > 5
