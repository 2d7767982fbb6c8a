import datetime as dt

import icalendar
import pytest
import recurring_ical_events
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from events.choices import SessionStatus
from events.models import EventPage, Session
from events.recurrence import EventPageForm, nth_weekday, parse_rule
from tests.institutions.factories import InstitutionPageFactory

from .factories import HANOI

pytestmark = pytest.mark.django_db


def event_form_data(**overrides):
    data = {
        "title": "Lớp tiếng Anh cho thiếu nhi",
        "slug": "lop-tieng-anh",
        "kind": "class",
        "audiences": [],
        "topics": [],
        "campaign": "",
        "start": "2026-12-01 08:00",
        "end": "2026-12-01 10:00",
        "repeat": "WEEKLY",
        "interval": "1",
        "weekdays": ["TU", "TH"],
        "monthly_by": "monthday",
        "until": "2026-12-31",
        "count": "",
        "dates": inline_formset(
            [{"kind": "exclude", "date": "2026-12-08"}, {"kind": "exclude", "date": "2026-12-10"}]
        ),
        "changes": inline_formset(
            [
                {
                    "original_date": "2026-12-15",
                    "cancelled": "",
                    "new_start": "2026-12-16 14:00",
                    "new_end": "",
                    "note": "Đổi phòng",
                }
            ]
        ),
        "venue": "institution",
        "venue_address": "",
        "online_url": "",
        "is_free": "on",
        "price": "",
        "registration": "",
        "registration_mode": "none",
        "capacity": "",
        "max_seats": "4",
        "waitlist": "on",
        "registration_opens": "",
        "registration_closes": "",
        "description": rich_text("<p>Học tiếng Anh qua bài hát.</p>"),
        "image": "",
        "action-publish": "publish",
    }
    data.update(overrides)
    weekdays = data.pop("weekdays")
    form_data = nested_form_data(data)
    form_data["weekdays"] = weekdays  # several values under one name, as a browser sends them
    return form_data


def test_an_editor_creates_a_weekly_class_with_a_week_off_and_a_moved_session(admin_client, frozen_now):
    institution = InstitutionPageFactory()
    url = reverse("wagtailadmin_pages:add", args=["events", "eventpage", institution.pk])
    response = admin_client.post(url, event_form_data())
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    event = EventPage.objects.get(slug="lop-tieng-anh")
    assert event.live
    assert parse_rule(event.rrule) == {"FREQ": "WEEKLY", "BYDAY": "TU,TH", "UNTIL": "20261231T165959Z"}
    sessions = Session.objects.filter(event=event).order_by("start")
    days = [s.start.astimezone(HANOI).day for s in sessions]
    assert days == [1, 3, 16, 17, 22, 24, 29, 31]
    assert sessions.get(status=SessionStatus.MOVED).note == "Đổi phòng"

    # The listing, the API and the feed agree.
    window = {"from": "2026-12-01", "to": "2026-12-31"}
    listing = admin_client.get("/lich-hoat-dong/", window)
    (card,) = [s for day in listing.context["days"].values() for s in day]  # one card, "và 7 buổi khác"
    api = admin_client.get(reverse("events:api-sessions"), window).json()["results"]
    from_api = [(dt.datetime.fromisoformat(r["start"]), dt.datetime.fromisoformat(r["end"])) for r in api]
    calendar = icalendar.Calendar.from_ical(admin_client.get(reverse("events:feed"), window).content)
    from_feed = sorted(
        (o.start, o.end)
        for o in recurring_ical_events.of(calendar).between(dt.date(2026, 12, 1), dt.date(2027, 1, 1))
    )
    assert from_api == from_feed
    assert len(from_api) == 8 == 1 + card.others and (card.start, card.end) == from_api[0]


def test_the_first_session_must_fall_on_a_chosen_day(admin_client, frozen_now):
    institution = InstitutionPageFactory()
    url = reverse("wagtailadmin_pages:add", args=["events", "eventpage", institution.pk])
    response = admin_client.post(url, event_form_data(weekdays=["WE"]))
    assert response.status_code == 200
    assert response.context["form"].errors["weekdays"]
    assert not EventPage.objects.exists()


def test_end_date_and_count_cannot_both_be_given(admin_client, frozen_now):
    institution = InstitutionPageFactory()
    url = reverse("wagtailadmin_pages:add", args=["events", "eventpage", institution.pk])
    response = admin_client.post(url, event_form_data(count="5"))
    assert response.status_code == 200
    assert response.context["form"].errors["count"]


def rule_from_form(user, **fields):
    institution = InstitutionPageFactory()
    form_class = EventPage.get_edit_handler().get_form_class()
    form = form_class(event_form_data(**fields), instance=EventPage(), parent_page=institution, for_user=user)
    assert form.is_valid(), form.errors
    return form.instance.rrule


@pytest.mark.parametrize(
    "fields, rule",
    [
        ({"until": "2027-06-30"}, "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270630T165959Z"),
        (
            {
                "repeat": "MONTHLY",
                "monthly_by": "weekday",
                "start": "2026-12-06 15:00",
                "end": "2026-12-06 17:00",
                "until": "",
            },
            "FREQ=MONTHLY;BYDAY=1SU",
        ),
        ({"repeat": "DAILY", "interval": "2", "count": "15", "until": ""}, "FREQ=DAILY;INTERVAL=2;COUNT=15"),
        ({"repeat": "MONTHLY", "monthly_by": "monthday", "until": ""}, "FREQ=MONTHLY;BYMONTHDAY=1"),
        ({"repeat": ""}, ""),
    ],
)
def test_form_fields_make_the_rule(superuser, fields, rule):
    assert rule_from_form(superuser, **fields) == rule


def test_a_custom_rule_is_kept_when_the_editor_leaves_it(superuser):
    institution = InstitutionPageFactory()
    form_class = EventPage.get_edit_handler().get_form_class()
    event = EventPage(rrule="FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=21")
    assert (
        form_class(instance=event, parent_page=institution, for_user=superuser).initial["repeat"] == "custom"
    )
    form = form_class(
        event_form_data(repeat="custom"), instance=event, parent_page=institution, for_user=superuser
    )
    assert form.is_valid(), form.errors
    assert event.rrule == "FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=21"


@pytest.mark.parametrize(
    "rule, initial",
    [
        (
            "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270630T165959Z",
            {"repeat": "WEEKLY", "weekdays": ["TU", "TH"], "until": dt.date(2027, 6, 30)},
        ),
        ("FREQ=MONTHLY;BYDAY=1SU", {"repeat": "MONTHLY", "monthly_by": "weekday"}),
        ("FREQ=DAILY;INTERVAL=2;COUNT=15", {"repeat": "DAILY", "interval": 2, "count": 15}),
        ("FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=21", {"repeat": "custom"}),
        ("FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU,WE,TH,FR", {"repeat": "custom"}),
    ],
)
def test_a_stored_rule_fills_the_form(rule, initial):
    values = EventPageForm.initial_from_rule(None, rule)
    for key, value in initial.items():
        assert values[key] == value


@pytest.mark.parametrize(
    "day, expected",
    [
        (dt.date(2026, 12, 6), (1, "SU")),
        (dt.date(2026, 12, 15), (3, "TU")),
        (dt.date(2026, 12, 31), (-1, "TH")),
    ],
)
def test_nth_weekday(day, expected):
    assert nth_weekday(day) == expected


def test_the_edit_form_shows_the_stored_schedule(admin_client, weekly_class):
    response = admin_client.get(reverse("wagtailadmin_pages:edit", args=[weekly_class.pk]))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["repeat"] == "WEEKLY"
    assert form.initial["weekdays"] == ["TU", "TH"]
    assert form.initial["until"] == dt.date(2026, 12, 31)
    content = response.content.decode()
    assert "Ngày nghỉ và ngày học thêm" in content
    assert "Buổi dời lịch hoặc hủy" in content


def test_the_add_form_opens_under_an_institution(admin_client, frozen_now):
    institution = InstitutionPageFactory()
    response = admin_client.get(
        reverse("wagtailadmin_pages:add", args=["events", "eventpage", institution.pk])
    )
    assert response.status_code == 200
    assert "Lặp lại" in response.content.decode()
