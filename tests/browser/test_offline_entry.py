"""The offline entry app (SPEC §10) in Chromium on a 360 px phone: it opens and takes figures with the
network cut, keeps them across a reload, and sends each exactly once when the network returns; a figure
changed on the server meanwhile waits for the person to choose."""

from __future__ import annotations

import json
import subprocess

import pytest
from playwright.sync_api import expect

from .conftest import log_in
from .test_page_checks import validation_errors

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(browser, site):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == []


def open_the_app(page, site):
    log_in(page, site, "reading_room")
    page.goto(site.url + "/nhap-lieu/")
    page.evaluate("navigator.serviceWorker.ready")
    page.reload()  # now under the service worker's control
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    expect(page.locator("[data-session-form]").first).to_be_visible()


def stored(site, code: str):
    return json.loads(site.manage("shell", "-c", code).strip().splitlines()[-1])


def waiting(page):
    return page.locator("#waiting")


def test_figures_typed_offline_arrive_once_when_the_network_returns(phone, site, axe, vnu, tmp_path):
    open_the_app(phone, site)
    assert axe(phone) == []
    page = tmp_path / "nhap-lieu.html"
    page.write_text(phone.request.get(site.url + "/nhap-lieu/").text())
    checked = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", str(page)], capture_output=True, text=True
    )
    assert validation_errors(checked) == []
    forms = phone.locator("[data-session-form]")
    first, second = (forms.nth(i).get_attribute("data-session-form") for i in (0, 1))
    # The demo's figures fill the sessions already begun; which those are depends on the time of day.
    stored(
        site,
        "from events.models import Attendance; "
        f"print(Attendance.objects.filter(session_id__in=[{first}, {second}]).delete()[0])",
    )
    phone.reload()
    expect(phone.locator(f"#s{first}-attendees")).to_have_value("")

    phone.context.set_offline(True)
    phone.reload()
    expect(phone.locator("#network")).to_contain_text("Không có mạng")
    for session, figure in ((first, "21"), (second, "13")):
        form = phone.locator(f'[data-session-form="{session}"]')
        form.locator(f"#s{session}-attendees").fill(figure)
        form.get_by_role("button", name="Lưu").click()
    door = phone.locator("[data-door-form]").first
    institution = door.get_attribute("data-door-form")
    door.locator(f"#d{institution}-learning").fill("45")
    door.get_by_role("button", name="Lưu").click()
    expect(waiting(phone)).to_have_attribute("data-count", "3")
    phone.reload()  # nothing typed is lost
    expect(waiting(phone)).to_have_attribute("data-count", "3")

    phone.context.set_offline(False)
    phone.get_by_role("button", name="Gửi ngay").click()
    expect(waiting(phone)).to_have_attribute("data-count", "0")
    phone.get_by_role("button", name="Gửi ngay").click()  # again: nothing more is sent
    figures = stored(
        site,
        "import json; from django.utils import timezone; from events.models import Attendance; "
        "from institutions.models import VisitCount; "
        f"print(json.dumps([sorted(Attendance.objects.filter(session_id__in=[{first}, {second}])"
        ".values_list('attendees', flat=True)), "
        f"list(VisitCount.objects.filter(institution_id={institution}, purpose='learning', "
        "date=timezone.localdate()).values_list('visits', flat=True))]))",
    )
    assert figures == [[13, 21], [45]]
    receipts = stored(
        site, "from institutions.models import EntryReceipt; print(EntryReceipt.objects.count())"
    )
    assert receipts == 3  # each entry accepted once, whatever the number of sends
    phone.reload()
    expect(waiting(phone)).to_have_attribute("data-count", "0")
    expect(phone.locator("#last-sent")).to_contain_text("Gửi lần cuối")


def test_a_figure_changed_on_the_server_meanwhile_waits_for_a_choice(phone, site):
    open_the_app(phone, site)
    session = phone.locator("[data-session-form]").nth(2).get_attribute("data-session-form")
    phone.context.set_offline(True)
    form = phone.locator(f'[data-session-form="{session}"]')
    form.locator(f"#s{session}-attendees").fill("30")
    form.get_by_role("button", name="Lưu").click()
    site.manage(
        "shell",
        "-c",
        "from events.models import Attendance, Session; Attendance.objects.update_or_create("
        f"session=Session.objects.get(pk={session}), defaults={{'attendees': 28}})",
    )
    phone.context.set_offline(False)
    phone.get_by_role("button", name="Gửi ngay").click()
    conflict = phone.locator("[data-conflict]")
    expect(conflict).to_contain_text("30")
    expect(conflict).to_contain_text("28")
    conflict.get_by_role("button", name="Giữ số của tôi").click()
    expect(waiting(phone)).to_have_attribute("data-count", "0")
    assert (
        stored(
            site,
            "from events.models import Attendance; "
            f"print(Attendance.objects.get(session_id={session}).attendees)",
        )
        == 30
    )
