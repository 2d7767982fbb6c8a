"""Email subscriptions in the browser (SPEC §11): a resident on a 360 px phone, without JavaScript, asks
for a filtered listing's new sessions by email, confirms from the mail (sent by the worker through a real
SMTP server), and changes the filters on the subscription's page. axe and the Nu HTML Checker on each."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.mail import text_of

from .conftest import ROOT
from .test_registration_journeys import fits_the_screen, valid

pytestmark = pytest.mark.browser


def run_the_worker(site, controller) -> None:
    env = {**site.env, "EMAIL_URL": f"smtp://{controller.hostname}:{controller.port}"}
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--backend",
            "background",
            "--batch",
            "--no-startup-delay",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def test_a_resident_subscribes_to_a_filtered_listing_from_a_phone(
    phone_without_javascript, site, page, axe, vnu, tmp_path, smtp_server
):
    controller, handler = smtp_server
    phone = phone_without_javascript
    phone.goto(site.url + "/lich-hoat-dong/?kind=club&free=1")
    phone.get_by_role("link", name="Nhận tin qua email").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Nhận tin qua email")
    expect(phone.locator("main")).to_contain_text("Câu lạc bộ")
    expect(phone.locator("main")).to_contain_text("Chỉ hoạt động miễn phí")
    assert fits_the_screen(phone)
    form_url = phone.url

    # A mistyped address is said, and what was typed is kept.
    phone.get_by_role("textbox", name="Thư điện tử").fill("thu.ha@example")
    phone.get_by_role("checkbox").check()
    phone.get_by_role("button", name="Đăng ký nhận tin").click()
    expect(phone.locator(".errors").first).to_contain_text("địa chỉ thư điện tử hợp lệ")
    expect(phone.get_by_role("textbox", name="Thư điện tử")).to_have_value("thu.ha@example")
    phone.get_by_role("textbox", name="Thư điện tử").fill("thu.ha@example.vn")
    phone.get_by_role("checkbox").check()
    phone.get_by_role("button", name="Đăng ký nhận tin").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hãy kiểm tra hộp thư")
    sent_url = phone.url

    run_the_worker(site, controller)
    [confirmation] = handler.to("thu.ha@example.vn")
    # The link is on the address of the demo's Wagtail site; the test's server answers on another port.
    confirm_path = re.search(r"https?://[^/\s]+(/nhan-tin/xac-nhan/\S+/)", text_of(confirmation)).group(1)
    confirm_url = site.url + confirm_path
    phone.goto(confirm_url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Xác nhận đăng ký nhận tin")
    assert fits_the_screen(phone)
    for url in [form_url, sent_url, confirm_url]:
        page.goto(url)
        assert axe(page) == [], url
        assert valid(vnu, tmp_path, page.request.get(url).text())
    phone.get_by_role("button", name="Đồng ý, gửi cho tôi danh sách hằng tuần").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Đã xác nhận đăng ký nhận tin")
    assert valid(vnu, tmp_path, phone.content())
    page.goto(confirm_url)  # the link again, once confirmed: nothing left to confirm
    expect(page.locator("main")).to_contain_text("Không còn gì cần xác nhận")
    assert axe(page) == []
    page.set_content(phone.content())  # the confirmed page as the phone got it, for axe
    assert axe(page) == []
    # A forged or expired link: a page that says so, checked as every other.
    page.goto(site.url + "/nhan-tin/xac-nhan/gia-mao/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Liên kết này không dùng được")
    assert axe(page) == []
    assert valid(vnu, tmp_path, page.content())

    # The subscription's own page: the filters changed on the phone, then checked by axe and vnu.
    phone.locator("main ul a").first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Đăng ký nhận tin qua email của bạn")
    phone.get_by_role("group", name="Loại hình").get_by_label("Lớp học").check()
    phone.get_by_role("button", name="Lưu").click()
    expect(phone.locator("[role=status]")).to_contain_text("Đã lưu")
    expect(phone.locator("main .chips")).to_contain_text("Lớp học")
    assert fits_the_screen(phone)
    manage_url = phone.url
    page.goto(manage_url)
    assert axe(page) == []
    assert valid(vnu, tmp_path, page.request.get(manage_url).text())
    end_url = manage_url + "huy/"
    page.goto(end_url)  # what a mail scanner opening the one-click link sees: a question, nothing ended
    expect(page.get_by_role("button", name="Đồng ý, hủy nhận tin")).to_be_visible()
    assert axe(page) == []
    assert valid(vnu, tmp_path, page.content())
    phone.get_by_role("button", name="Kết thúc đăng ký nhận tin").click()
    expect(phone.locator("[role=status]")).to_contain_text("đã kết thúc")
    assert valid(vnu, tmp_path, phone.content())
