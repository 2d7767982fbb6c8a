"""Script payloads in every editor-controlled text come out escaped: pages, feeds, JSON, exports."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from events.models import Campaign, Topic
from tests.events.conftest import publish
from tests.events.factories import EventPageFactory
from tests.institutions.factories import InstitutionPageFactory, OpeningHoursFactory

pytestmark = pytest.mark.django_db
PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(2)>"


@pytest.fixture
def poisoned(frozen_now):
    institution = InstitutionPageFactory(
        code="XSS",
        title=f"Thư viện {PAYLOAD}",
        address=PAYLOAD,
        phone=PAYLOAD[:50],
        accessibility=PAYLOAD,
        # What the rich text editor stores for typed text: escaped (Draftail never stores raw markup).
        description=f"<p>{escape(PAYLOAD)}</p>",
    )
    OpeningHoursFactory(page=institution)
    event = EventPageFactory(
        parent=institution,
        title=f"Lớp {PAYLOAD}",
        price=PAYLOAD[:100],
        is_free=False,
        registration=PAYLOAD,
        venue="address",
        venue_address=PAYLOAD,
    )
    event.campaign = Campaign.objects.create(
        name=f"Đợt {PAYLOAD}", slug="xss", starts_on=frozen_now.date(), ends_on=frozen_now.date()
    )
    publish(event)
    event.topics.set([Topic.objects.create(name=f"Chủ đề {PAYLOAD}", slug="chu-de-xss")])
    return publish(event)


def assert_escaped(content: str):
    assert "<script>alert(1)" not in content
    assert "<img src=x onerror" not in content


@pytest.mark.parametrize(
    "url", ["/", "/co-so/", "/co-so/?q=xss", "/lich-hoat-dong/", "/lich-hoat-dong/?view=month"]
)
def test_public_pages_escape_editor_text(client, poisoned, url):
    response = client.get(url)
    assert response.status_code == 200
    assert_escaped(response.content.decode())


def test_institution_and_event_pages_escape_editor_text(client, poisoned):
    for page in (poisoned.get_parent(), poisoned):
        content = client.get(page.url).content.decode()
        assert_escaped(content)
    assert "\\u003cscript" in client.get(poisoned.url).content.decode()  # the JSON-LD


def test_json_escapes_markup(client, poisoned):
    for url in (reverse("institutions:api-list"), reverse("events:api-sessions")):
        content = client.get(url).content.decode()
        assert "<" not in content and ">" not in content
        assert "\\u003cscript\\u003e" in content


def test_feeds_carry_plain_text_only(client, poisoned):
    content = client.get(reverse("events:feed")).content.decode()
    assert "SUMMARY:Lớp <script>" in content  # plain text in a calendar, never HTML
    assert "<p>" not in content


def test_exports_escape_and_neutralise(admin_client, poisoned):
    response = admin_client.get(reverse("portal_statistics"), {"year": 2026, "print": 1})
    assert_escaped(response.content.decode())
