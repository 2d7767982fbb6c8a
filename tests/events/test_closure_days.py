"""Sessions on the institution's closure days never show as going ahead; the publisher is told, and one
action makes them dates off of the event."""

import datetime as dt

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset

from events.models import EventDate, EventPage, Session
from tests.institutions.factories import ClosureFactory, InstitutionPageFactory

from .factories import HANOI
from .test_editing import event_form_data

pytestmark = pytest.mark.django_db
TET = (dt.date(2027, 2, 5), dt.date(2027, 2, 12))


@pytest.fixture
def library(frozen_now):
    library = InstitutionPageFactory(title="Thư viện xã Thiên Lộc")
    ClosureFactory(
        page=library, rule="dates", start_date=TET[0], end_date=TET[1], nth=None, weekday=None, reason="Tết"
    )
    return library


def days_of(sessions):
    return {s.original_start.astimezone(HANOI).date(): s for s in sessions}


def publish_weekly_class(admin_client, library, **overrides):
    form = event_form_data(
        start="2027-01-29 08:00", end="2027-01-29 10:00", weekdays=["FR"], until="2027-02-19", **overrides
    )  # 29/01, 05/02, 12/02, 19/02
    response = admin_client.post(
        reverse("wagtailadmin_pages:add", args=["events", "eventpage", library.pk]), form, follow=True
    )
    assert response.status_code == 200
    return EventPage.objects.get(slug="lop-tieng-anh"), response.content.decode()


def test_sessions_on_closure_days_show_as_cancelled_and_the_publisher_is_told(admin_client, client, library):
    event, page = publish_weekly_class(
        admin_client, library, dates=inline_formset([]), changes=inline_formset([])
    )
    sessions = days_of(Session.objects.filter(event=event))
    assert [sessions[day].status for day in sorted(sessions)] == [
        "scheduled",
        "cancelled",
        "cancelled",
        "scheduled",
    ]
    assert sessions[TET[0]].note == "Cơ sở nghỉ: Tết"

    listing = client.get("/lich-hoat-dong/", {"from": "2027-01-25", "to": "2027-02-28"})
    (card,) = [s for day in listing.context["days"].values() for s in day]
    # 29/01 and 19/02 only: never shown as going ahead
    assert (card.start.astimezone(HANOI).date(), card.others) == (dt.date(2027, 1, 29), 1)
    assert "Cơ sở nghỉ: Tết" in client.get(event.url).content.decode()

    assert "05/02/2027, 12/02/2027" in page  # the warning after publishing
    assert reverse("events_closure_days", args=[event.pk]) in page


def test_one_action_makes_them_dates_off(admin_client, library):
    event, _page = publish_weekly_class(
        admin_client, library, dates=inline_formset([]), changes=inline_formset([])
    )
    url = reverse("events_closure_days", args=[event.pk])
    assert "Thứ Sáu, 05/02/2027" in admin_client.get(url).content.decode()
    response = admin_client.post(url, follow=True)
    assert "đã thành ngày nghỉ của hoạt động và đã được xuất bản" in response.content.decode()
    event = EventPage.objects.get(pk=event.pk)
    assert sorted(d.date for d in event.dates.all() if d.kind == EventDate.Kind.EXCLUDE) == list(TET)
    assert sorted(days_of(Session.objects.filter(event=event))) == [
        dt.date(2027, 1, 29),
        dt.date(2027, 2, 19),
    ]
    assert "Không có buổi nào" in admin_client.get(url).content.decode()


def test_a_closure_added_later_cancels_the_sessions_at_the_institutions_publication(admin_client, frozen_now):
    library = InstitutionPageFactory(title="Thư viện xã Thiên Lộc")
    event, _page = publish_weekly_class(
        admin_client, library, dates=inline_formset([]), changes=inline_formset([])
    )
    assert not Session.objects.filter(event=event, status="cancelled").exists()
    ClosureFactory(
        page=library, rule="dates", start_date=TET[0], end_date=TET[1], nth=None, weekday=None, reason="Tết"
    )
    library.save_revision().publish()
    assert Session.objects.filter(event=event, status="cancelled").count() == 2
