"""The entry app's server side (SPEC §10): its page for staff, its data, its service worker and manifest."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.contrib.auth import get_user_model

from events.models import Attendance
from institutions.models import AdministrativeUnit, VisitCount
from institutions.roles import editors_group
from tests.events.conftest import publish
from tests.events.factories import HANOI, EventPageFactory
from tests.institutions.factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def house(frozen_now):
    return InstitutionPageFactory(
        title="Nhà văn hóa thôn Đông", unit=AdministrativeUnit.objects.for_code("443")
    )


@pytest.fixture
def editor(client, house):
    user = get_user_model().objects.create_user("dong", password="x")
    user.groups.add(editors_group(house))
    client.force_login(user)
    return user


def test_the_app_is_for_logged_in_staff(client, house):
    assert client.get("/nhap-lieu/")["Location"].startswith("/admin/login/")
    assert client.get("/nhap-lieu/du-lieu.json").status_code == 403
    client.force_login(get_user_model().objects.create_user("nobody", password="x"))
    assert client.get("/nhap-lieu/").status_code == 403


def test_the_page_links_its_manifest_worker_and_words(client, editor):
    page = client.get("/nhap-lieu/").content.decode()
    assert 'rel="manifest" href="/nhap-lieu/manifest.webmanifest"' in page
    assert 'data-worker-url="/nhap-lieu/sw.js"' in page and "Gửi ngay" in page
    words = json.loads(
        re.search(r'id="entry-app-words" type="application/json">(.*?)</script>', page).group(1)
    )
    assert words["offline"].startswith("Không có mạng")  # the script's words, in Vietnamese
    manifest = client.get("/nhap-lieu/manifest.webmanifest").json()
    assert (manifest["scope"], manifest["start_url"], manifest["lang"]) == (
        "/nhap-lieu/",
        "/nhap-lieu/",
        "vi",
    )
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    worker = client.get("/nhap-lieu/sw.js")
    assert worker["Content-Type"].startswith("application/javascript")
    assert "/static/js/entry-app.js" in worker.content.decode() and "http" not in worker.content.decode()


def test_the_data_holds_14_days_back_to_7_ahead_with_figures_and_versions(client, editor, house):
    event = publish(
        EventPageFactory(
            parent=house, start=dt.datetime(2026, 11, 1, 19, 0, tzinfo=HANOI), rrule="FREQ=DAILY;COUNT=60"
        )
    )
    Attendance.objects.create(
        session=event.sessions.get(start=dt.datetime(2026, 11, 24, 19, 0, tzinfo=HANOI)), attendees=17
    )
    VisitCount.objects.create(institution=house, date=dt.date(2026, 11, 25), purpose="learning", visits=40)
    publish(
        EventPageFactory(parent=InstitutionPageFactory(), start=dt.datetime(2026, 11, 24, 8, 0, tzinfo=HANOI))
    )
    data = client.get("/nhap-lieu/du-lieu.json").json()
    days = [session["start"][:10] for session in data["sessions"]]
    assert days[0] == "2026-11-11" and days[-1] == "2026-12-02" and len(days) == 22  # only this house's
    yesterday = next(s for s in data["sessions"] if s["start"].startswith("2026-11-24"))
    assert yesterday["record"]["attendees"] == 17 and yesterday["version"] and yesterday["begun"]
    assert not next(s for s in data["sessions"] if s["start"].startswith("2026-11-26"))["begun"]
    assert data["institutions"] == [
        {"id": house.pk, "title": "Nhà văn hóa thôn Đông", "visits": {"learning": 40, "other": None}}
    ]
