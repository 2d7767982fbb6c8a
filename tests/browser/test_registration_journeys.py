"""Registration in the browser (SPEC §9): a resident on a 360 px phone, without JavaScript, takes a seat,
sees the ticket and cancels; a librarian opens the roster and exports it. axe and the Nu HTML Checker on
the form, the ticket and the roster."""

from __future__ import annotations

import csv
import io
import re
import subprocess

import openpyxl
import pytest
from playwright.sync_api import expect

from .conftest import log_in
from .test_page_checks import validation_errors

pytestmark = pytest.mark.browser

EVENT = "/co-so/thu-vien-tinh-ha-tinh/lop-su-dung-dien-thoai-thong-minh-an-toan/"
FULL_EVENT = "/co-so/bao-tang-tinh-ha-tinh/workshop-lam-tranh-in-dan-gian/"


def fits_the_screen(page) -> bool:
    # Measured by the browser's layout, which answers with scripts off too (the page runs none).
    width = page.locator("html").bounding_box()["width"]
    return all(box["x"] + box["width"] <= width + 1 for box in boxes(page))


def boxes(page):
    return [box for box in (element.bounding_box() for element in page.locator("main *").all()) if box]


def test_a_resident_on_a_phone_registers_sees_the_ticket_and_cancels(
    phone_without_javascript, site, page, axe
):
    phone = phone_without_javascript
    phone.goto(site.url + EVENT)
    summary = phone.locator("[data-schedule-summary]")
    expect(summary).to_contain_text(re.compile(r"Còn \d+ chỗ"))
    left = int(re.search(r"Còn (\d+) chỗ", summary.inner_text()).group(1))
    summary.get_by_role("link", name="Đăng ký").click()

    expect(phone.get_by_role("heading", level=1)).to_contain_text("Đăng ký: Lớp sử dụng điện thoại")
    assert fits_the_screen(phone)
    form_url = phone.url
    # A first try without a phone or email: the form says so and keeps what was typed.
    phone.get_by_label("Họ và tên").fill("Nguyễn Thị Thu Hà")
    phone.get_by_label("Ghi chú cho ban tổ chức (không bắt buộc)").fill("Tôi cần chỗ gần cửa")
    phone.get_by_role("checkbox").check()
    phone.get_by_role("button", name="Đăng ký").click()
    expect(phone.locator(".errors").first).to_contain_text("số điện thoại hoặc email")
    expect(phone.get_by_label("Họ và tên")).to_have_value("Nguyễn Thị Thu Hà")
    expect(phone.get_by_label("Ghi chú cho ban tổ chức (không bắt buộc)")).to_have_value(
        "Tôi cần chỗ gần cửa"
    )
    phone.get_by_role("textbox", name="Điện thoại").fill("0912 345 678")
    phone.get_by_role("button", name="Đăng ký").click()

    phone.wait_for_url(re.compile(r"/ve/[A-Za-z0-9_-]+/$"))
    ticket_url = phone.url
    expect(phone.locator("[data-ticket-status]")).to_have_text("Đã xác nhận")
    expect(phone.locator("svg.ticket-qr")).to_be_visible()
    assert fits_the_screen(phone)
    phone.goto(site.url + EVENT)
    expect(phone.locator("[data-schedule-summary]")).to_contain_text(f"Còn {left - 1} chỗ")

    # The form and the ticket, checked with axe in a browser that runs it.
    for url in [form_url, ticket_url]:
        page.goto(url)
        assert axe(page) == [], url

    phone.goto(ticket_url)
    phone.get_by_role("link", name="Hủy đăng ký của tôi").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hủy đăng ký của tôi")
    phone.get_by_role("button", name="Đồng ý hủy").click()
    expect(phone.locator("[data-ticket-status]")).to_have_text("Đã hủy")
    expect(phone.locator(".messages")).to_contain_text("Đăng ký của bạn đã được hủy")
    phone.goto(site.url + EVENT)
    expect(phone.locator("[data-schedule-summary]")).to_contain_text(f"Còn {left} chỗ")


def test_a_full_session_offers_the_waiting_list(page, site):
    page.goto(site.url + FULL_EVENT)
    summary = page.locator("[data-schedule-summary]")
    expect(summary).to_contain_text("Hết chỗ — vào danh sách chờ")
    summary.get_by_role("link", name="Vào danh sách chờ").click()
    page.get_by_label("Họ và tên").fill("Lê Văn Chờ")
    page.get_by_role("textbox", name="Thư điện tử").fill("cho@example.vn")
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Vào danh sách chờ").click()
    expect(page.locator("[data-ticket-status]")).to_contain_text("Số 4 trong danh sách chờ")


def test_the_museum_s_editor_opens_the_roster_and_exports_it(page, site, axe, vnu, tmp_path):
    log_in(page, site, "librarian")
    page.goto(site.url + "/admin/pages/search/?q=" + "Workshop làm tranh")
    page.get_by_role("link", name="Workshop làm tranh in dân gian").first.click()
    page.get_by_role(
        "button", name="Thao tác", exact=True
    ).click()  # the header's menu of actions on the event
    page.get_by_role("navigation", name="Thao tác", exact=True).get_by_role("link", name="Đăng ký").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Đăng ký")
    page.get_by_role("link", name=re.compile("^Danh sách")).first.click()

    expect(page.get_by_role("heading", level=2, name=re.compile(r"^Đã xác nhận"))).to_contain_text("(8)")
    expect(page.get_by_role("heading", level=2, name=re.compile(r"^Danh sách chờ"))).to_be_visible()
    expect(page.locator("[data-roster-summary]")).to_contain_text("Đã đăng ký 8/8 chỗ")
    assert axe(page) == []
    roster_url = page.url

    # One tap checks the first person in; the roster says when, and counts them.
    first = page.locator("table.roster-table").first.locator("tbody tr").first
    first.get_by_role("button", name="Điểm danh").click()
    expect(page.locator("table.roster-table").first.locator("tbody tr").first).to_contain_text(
        "Đã điểm danh lúc"
    )
    expect(page.locator("[data-roster-summary]")).to_contain_text("1 người đã điểm danh")
    assert axe(page) == []

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Tải về CSV").click()
    rows = list(csv.reader(io.StringIO(csv_download.value.path().read_text(encoding="utf-8-sig"))))
    assert rows[0][2] == "Họ tên" and rows[1][2] == "Nguyễn Thị Hoa"
    with page.expect_download() as xlsx_download:
        page.get_by_role("link", name="Tải Excel (XLSX)").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes())).active
    assert sheet.cell(row=1, column=1).value == "Workshop làm tranh in dân gian"

    # The roster, the form and a ticket are valid HTML.
    files = []
    roster = tmp_path / "roster.html"
    roster.write_text(page.request.get(roster_url).text())
    files.append(str(roster))
    resident = page.context.browser.new_context(locale="vi-VN").new_page()
    resident.goto(site.url + EVENT)
    resident.locator("[data-schedule-summary]").get_by_role("link", name="Đăng ký").click()
    form = tmp_path / "form.html"
    form.write_text(resident.request.get(resident.url).text())
    resident.get_by_label("Họ và tên").fill("Trần Thị Kiểm")
    resident.get_by_role("textbox", name="Điện thoại").fill("0987654321")
    resident.get_by_role("checkbox").check()
    resident.get_by_role("button", name="Đăng ký").click()
    resident.wait_for_url(re.compile(r"/ve/"))
    ticket = tmp_path / "ticket.html"
    ticket.write_text(resident.request.get(resident.url).text())
    resident.context.close()
    checked = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", *files, str(form), str(ticket)],
        capture_output=True,
        text=True,
    )
    assert validation_errors(checked) == []


POSTER = "/co-so/thu-vien-tinh-ha-tinh/goc-doc-sach-tu-do/ap-phich/"


def test_a_resident_checks_in_from_the_poster_on_a_phone(
    phone_without_javascript, site, page, axe, vnu, tmp_path
):
    phone = phone_without_javascript
    # The library's staff print the poster (axe and vnu on it); the resident scans it.
    log_in(page, site, "reading_room")
    page.goto(site.url + POSTER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Góc đọc sách tự do")
    assert axe(page) == []
    assert valid(vnu, tmp_path, page.request.get(site.url + POSTER).text())
    check_in = page.locator(".poster-url a").get_attribute("href")
    phone.goto(check_in)  # as the phone's camera opens the code
    assert fits_the_screen(phone)
    page.goto(check_in)
    assert axe(page) == []
    assert valid(vnu, tmp_path, page.request.get(check_in).text())
    phone.get_by_role("button", name="Tôi có mặt").click()
    expect(phone.locator("[data-self-check-in]")).to_have_text("Cảm ơn bạn: bạn đã được tính.")
    phone.goto(check_in)
    expect(phone.locator("[data-self-check-in]")).to_contain_text("Điện thoại này đã điểm danh lúc")


def valid(vnu, folder, html: str) -> bool:
    file = folder / "page.html"
    file.write_text(html)
    checked = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", str(file)], capture_output=True, text=True
    )
    assert validation_errors(checked) == []
    return True


def test_staff_open_a_ticket_s_code_and_check_it_in(page, site, axe, vnu, tmp_path):
    code = (
        site.manage(
            "shell",
            "-c",
            "from events.models import Registration; from events.tickets import scan_url; "
            "r = Registration.objects.filter(event__title='Workshop làm tranh in dân gian', "
            "status='confirmed').order_by('pk').last(); print(scan_url(r).split('/ve/quet/')[1])",
        )
        .strip()
        .splitlines()[-1]
    )
    log_in(page, site, "librarian")
    page.goto(f"{site.url}/ve/quet/{code}")
    assert axe(page) == []
    assert valid(vnu, tmp_path, page.request.get(f"{site.url}/ve/quet/{code}").text())
    page.get_by_role("button", name="Điểm danh").click()
    expect(page.locator("[data-check-in]")).to_contain_text("Đã điểm danh: 1 người.")
    expect(page.get_by_role("button", name="Điểm danh")).to_have_count(0)
    page.goto(f"{site.url}/ve/quet/{code}")
    expect(page.locator("[data-check-in]")).to_contain_text("không tính thêm")
