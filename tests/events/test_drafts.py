"""A draft changes nothing public: search, the listing, the API and the feeds follow the published version
until someone publishes the draft (in the admin, or through `import_data events --draft`)."""

import pytest
from django.urls import reverse

from events.importers import EventImporter
from events.models import EventPage, Session
from institutions.models import InstitutionPage
from tests.institutions.factories import InstitutionPageFactory

from .conftest import publish
from .factories import EventPageFactory

pytestmark = pytest.mark.django_db

CALENDAR = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Thu vien//Lich//VI
BEGIN:VEVENT
UID:lop-tin-hoc@tv-cl
DTSTART;TZID=Asia/Ho_Chi_Minh:20261201T080000
DTEND;TZID=Asia/Ho_Chi_Minh:20261201T100000
RRULE:FREQ=WEEKLY;COUNT={count}
{extra}SUMMARY:{title}
END:VEVENT
END:VCALENDAR
"""


def api_titles(client, query: str) -> list[str]:
    response = client.get(reverse("events:api-sessions"), {"q": query})
    return [row["title"] for row in response.json()["results"]]


def test_saving_a_draft_of_a_live_event_leaves_public_search_alone(client, frozen_now):
    event = publish(EventPageFactory(title="Câu lạc bộ đọc sách"))
    event.title = "Câu lạc bộ đọc sách Xyzzy"
    event.save_revision()

    assert api_titles(client, "xyzzy") == []
    assert api_titles(client, "doc sach")  # the published title still matches
    listing = client.get("/lich-hoat-dong/", {"q": "xyzzy"}).content.decode()
    assert "Câu lạc bộ đọc sách" not in listing

    EventPage.objects.get(pk=event.pk).get_latest_revision().publish()
    assert api_titles(client, "xyzzy") == ["Câu lạc bộ đọc sách Xyzzy"]


def test_saving_a_draft_of_an_institution_leaves_the_directory_search_alone(client):
    institution = InstitutionPageFactory(title="Thư viện Đồng Lộc", code="TV-DL")
    institution.save_revision().publish()
    institution = InstitutionPage.objects.get(pk=institution.pk)
    institution.title = "Thư viện Xyzzy"
    institution.save_revision()

    found = client.get(reverse("institutions:api-list"), {"q": "xyzzy"}).json()
    assert found["count"] == 0
    assert client.get(reverse("institutions:api-list"), {"q": "dong loc"}).json()["count"] == 1


def test_importing_a_draft_over_a_live_event_changes_nothing_public(client, frozen_now):
    InstitutionPageFactory(code="TV-CL")
    published = CALENDAR.format(count=3, extra="", title="Lớp tin học")
    assert EventImporter(institution="TV-CL").run(published.encode()).ok
    before = list(Session.objects.filter(in_schedule=True).values_list("start", "end", "status"))
    feed_before = client.get(reverse("events:feed")).content

    draft = CALENDAR.format(
        count=6, extra="EXDATE;TZID=Asia/Ho_Chi_Minh:20261208T080000\n", title="Lớp tin học Xyzzy"
    )
    report = EventImporter(institution="TV-CL", draft=True).run(draft.encode())
    assert report.ok

    event = EventPage.objects.get()
    assert event.live and event.has_unpublished_changes
    assert list(Session.objects.filter(in_schedule=True).values_list("start", "end", "status")) == before
    assert api_titles(client, "xyzzy") == []
    assert client.get(reverse("events:feed")).content == feed_before
