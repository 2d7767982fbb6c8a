"""Pages of the portal are public: a view restriction (password, logged-in users, groups) is refused in the
admin, and one made before this rule is replaced by unpublishing, so nothing is both private and listed."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from wagtail.models import Page, PageViewRestriction

from events.models import EventPage, Session
from tests.events.conftest import publish
from tests.events.factories import HANOI, EventPageFactory
from tests.institutions.factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(frozen_now):
    institution = InstitutionPageFactory(code="TV-KIN", title="Thư viện Kín")
    institution.save_revision().publish()
    return publish(
        EventPageFactory(
            parent=institution,
            title="Lớp riêng tư",
            start=dt.datetime(2026, 12, 1, 8, 0, tzinfo=HANOI),
            end=dt.datetime(2026, 12, 1, 10, 0, tzinfo=HANOI),
        )
    )


@pytest.mark.parametrize("which", ["event", "institution", "directory", "listing", "home"])
def test_the_admin_refuses_a_view_restriction_with_a_message(admin_client, event, which):
    page = {
        "event": event,
        "institution": event.get_parent(),
        "directory": event.get_parent().get_parent(),
        "listing": Page.objects.get(slug="lich-hoat-dong"),
        "home": Page.objects.get(depth=2),
    }[which]
    url = reverse("wagtailadmin_pages:set_privacy", args=[page.pk])
    shown = admin_client.get(url).json()["html"]
    assert "unpublish" in shown.lower() or "gỡ" in shown.lower()
    admin_client.post(url, {"restriction_type": "password", "password": "bi-mat"})
    admin_client.post(url, {"restriction_type": "login"})
    assert not PageViewRestriction.objects.exists()


def test_a_restriction_made_before_is_replaced_by_unpublishing(client, event):
    institution = event.get_parent().specific
    PageViewRestriction.objects.create(page=institution, restriction_type="password", password="bi-mat")
    migration = importlib.import_module("events.migrations.0009_no_view_restrictions")
    migration.unpublish_restricted_pages(apps, None)

    assert not PageViewRestriction.objects.exists()
    assert not EventPage.objects.get(pk=event.pk).live
    assert not Page.objects.get(pk=institution.pk).live
    assert not Session.objects.filter(event=event, in_schedule=True).exists()
    assert client.get(reverse("events:api-sessions")).json()["count"] == 0
    assert client.get(reverse("institutions:api-list"), {"q": "kin"}).json()["count"] == 0
    assert client.get(reverse("events:event-feed", args=[event.pk])).status_code == 404
    assert client.get(reverse("events:institution-feed", args=["TV-KIN"])).status_code == 404
