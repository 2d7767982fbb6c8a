import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from events.models import Campaign, EventPage

from .conftest import publish
from .factories import EventPageFactory
from .test_import import CORPUS

pytestmark = pytest.mark.django_db


def test_event_page_shows_sessions_venue_price_and_calendar_links(client, weekly_class):
    response = client.get(weekly_class.url)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Thứ Ba, 01/12/2026 08:00–10:00" in content
    assert "Dời lịch" in content and "Đã hủy" in content
    assert "Miễn phí" in content
    assert reverse("events:event-feed", args=[weekly_class.pk]) in content
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in content
    assert weekly_class.get_parent().title in content  # breadcrumbs and venue


def test_event_page_has_schema_org_json_ld(client, weekly_class):
    content = client.get(weekly_class.url).content.decode()
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', content, re.S).group(1)
    )
    assert data["@type"] == "Event"
    assert data["name"] == weekly_class.title
    assert data["startDate"] == "2026-12-01T08:00:00+07:00"
    assert data["location"]["@type"] == "Place"
    assert data["isAccessibleForFree"] is True


def test_json_ld_cannot_close_its_script_element(client, frozen_now):
    event = publish(EventPageFactory(title="</script><script>alert(1)</script>"))
    content = client.get(event.url).content.decode()
    assert "</script><script>alert(1)" not in content


def test_institution_page_lists_its_coming_sessions(client, weekly_class):
    institution = weekly_class.get_parent().specific
    content = client.get(institution.url).content.decode()
    assert "Lớp tin học cho người cao tuổi" in content
    assert reverse("events:institution-feed", args=[institution.code]) in content


def test_home_page_shows_this_week_and_running_campaigns(client, frozen_now):
    import datetime as dt

    from .factories import HANOI

    publish(
        EventPageFactory(
            title="Giao lưu tác giả",
            start=dt.datetime(2026, 11, 27, 9, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 11, 27, 11, 0, tzinfo=HANOI),
        )
    )
    Campaign.objects.create(
        name="Tháng hưởng ứng thử nghiệm",
        slug="thu-nghiem",
        starts_on=dt.date(2026, 11, 1),
        ends_on=dt.date(2026, 11, 30),
    )
    content = client.get("/").content.decode()
    assert "Giao lưu tác giả" in content
    assert "Tháng hưởng ứng thử nghiệm" in content


def test_events_are_imported_from_the_admin(admin_client, frozen_now):
    from tests.institutions.factories import InstitutionPageFactory

    InstitutionPageFactory(code="TV-CL")
    url = reverse("institutions_import")
    upload = SimpleUploadedFile("lich.ics", (CORPUS / "daily_interval_utc.ics").read_bytes(), "text/calendar")
    response = admin_client.post(url, {"kind": "events", "file": upload, "institution": "TV-CL"})
    assert response.status_code == 200
    assert not EventPage.objects.exists()
    admin_client.post(url, {"confirm": "1", "token": response.context["token"]})
    assert EventPage.objects.filter(uid="daily-utc@corpus.test", live=True).exists()


def test_demo_has_events_of_every_kind_with_past_and_future_sessions(frozen_now):
    from django.core.management import call_command

    from events.models import Session

    call_command("load_demo")
    kinds = set(EventPage.objects.values_list("kind", flat=True))
    assert {"class", "club", "interest_group", "reading"} <= kinds
    assert Session.objects.filter(start__year=2024).exists()
    assert Session.objects.filter(start__year=2027).exists()
    assert EventPage.objects.filter(campaign__slug="ngay-sach-2026").exists()
    assert EventPage.objects.filter(campaign__slug="ngay-di-san-2026").exists()
    from events.models import Attendance
    from institutions.models import VisitCount
    from portal.indicators import compute

    assert Attendance.objects.filter(session__start__year=2025).exists()
    assert VisitCount.objects.filter(date__year=2022).exists()
    uses = next(row for row in compute(2025) if row.indicator == "library_learning_uses")
    assert uses.value and uses.growth is not None and uses.average_growth is not None
    pages, attendance, visits = (
        EventPage.objects.count(),
        Attendance.objects.count(),
        VisitCount.objects.count(),
    )
    call_command("load_demo")
    assert (EventPage.objects.count(), Attendance.objects.count(), VisitCount.objects.count()) == (
        pages,
        attendance,
        visits,
    )


def test_the_dates_show_the_next_five_and_fold_the_rest(client, frozen_now):
    import datetime as dt

    from .factories import HANOI

    event = publish(
        EventPageFactory(
            start=dt.datetime(2026, 12, 1, 19, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 12, 1, 20, 30, tzinfo=HANOI),
            rrule="FREQ=WEEKLY;COUNT=12",
        )
    )
    content = client.get(event.url).content.decode()
    shown, folded = content.split('<details class="more-sessions">', 1)
    dates = re.findall(
        r'<time datetime="(2026-12-\d\dT19:00:00\+07:00|2027-\d\d-\d\dT19:00:00\+07:00)"', content
    )
    assert len(dates) == 1 + 12  # the next session at the top, then every date
    assert shown.count('T19:00:00+07:00">') - 1 == 5  # the summary's next session, then the next five
    assert "<summary>7 buổi khác</summary>" in folded
    assert folded.count('T19:00:00+07:00">') == 7


def test_the_event_page_reads_as_many_rows_for_ten_sessions_as_for_forty(client, frozen_now):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.public_cache import content_changed

    from .factories import HANOI

    counts = []
    for sessions in (10, 40):
        event = publish(
            EventPageFactory(
                start=dt.datetime(2026, 9, 1, 19, 0, tzinfo=HANOI),
                end=dt.datetime(2026, 9, 1, 20, 30, tzinfo=HANOI),
                rrule=f"FREQ=WEEKLY;COUNT={sessions}",
            )
        )
        client.get(event.url)
        content_changed()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(event.url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
