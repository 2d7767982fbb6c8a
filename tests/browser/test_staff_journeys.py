"""What staff do: an editor publishes a weekly class through the review; an officer records attendance
and takes the statistics away as a spreadsheet; provincial staff set up two-factor sign-in."""

import base64
import datetime as dt
import io
import re
import subprocess
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from playwright.sync_api import expect

from .conftest import PASSWORD, USERS, log_in
from .test_page_checks import validation_errors

pytestmark = pytest.mark.browser

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
CLASS = "Lớp tiếng Anh giao tiếp cho thanh niên"


def today():
    return dt.datetime.now(HANOI).date()


def test_editor_creates_a_weekly_class_and_a_moderator_publishes_it(page, site, browser):
    log_in(page, site, "editor")
    # The editor's explorer opens on their own house, the only page they may edit.
    page.get_by_role("button", name="Phân trang").click()
    page.get_by_role("link", name="Nhà văn hóa thôn Yên Lạc").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nhà văn hóa thôn Yên Lạc")
    page.get_by_role("link", name=re.compile("Thêm trang con")).first.click()
    # An institution takes events and good-model stories: Wagtail asks which.
    page.locator('a[href*="/add/events/eventpage/"]').click()

    first = today() + dt.timedelta(days=7 - today().weekday() + 1)  # Tuesday after next Monday
    until = first + dt.timedelta(weeks=8)
    page.get_by_placeholder("Tiêu đề trang*").fill(CLASS)
    page.get_by_label("Loại hình").select_option(label="Lớp học")
    page.get_by_label("Thanh thiếu niên").focus()
    page.keyboard.press("Space")
    page.locator("#id_start").fill(f"{first:%d/%m/%Y} 19:00")
    page.locator("#id_end").fill(f"{first:%d/%m/%Y} 20:30")
    page.get_by_label("Lặp lại").select_option(label="Hằng tuần")
    for weekday in ("Thứ Ba", "Thứ Năm"):
        page.get_by_label(weekday, exact=True).focus()
        page.keyboard.press("Space")
    page.locator("#id_until").fill(f"{until:%d/%m/%Y}")
    page.get_by_role("button", name="Thao tác khác").click()
    page.get_by_role("button", name="Gửi duyệt (Duyệt nội dung cơ sở)").click()

    expect(page.locator(".messages")).to_contain_text(f"Đã tạo trang “{CLASS}” và gửi duyệt")
    row = page.get_by_role("row").filter(has_text=CLASS)
    expect(row).to_contain_text("đang chờ duyệt", ignore_case=True)
    # Not public until approved.
    # (Every word of its title: the demo has another English course, "Khóa tiếng Anh giao tiếp cơ bản".)
    assert page.request.get(site.url + "/lich-hoat-dong/?q=tiếng+Anh+thanh+niên").text().count(CLASS) == 0

    moderator = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh").new_page()
    log_in(moderator, site, "moderator")
    review = moderator.get_by_role("region", name="Đang chờ bạn duyệt")
    review.get_by_role("link", name=CLASS).click()
    moderator.get_by_role("button", name="Thao tác khác").click()
    moderator.get_by_role("button", name="Phê chuẩn và đăng", exact=True).click()
    expect(moderator.locator(".messages")).to_contain_text(f"Đã cập nhật trang “{CLASS}”")
    moderator.context.close()

    # Residents see it in the listing: one card, from its first Tuesday, with the sessions that follow.
    page.goto(site.url + "/lich-hoat-dong/?q=tiếng+Anh+thanh+niên")
    assert (
        dt.date.fromisoformat(page.locator(".results h3.day time").first.get_attribute("datetime")) == first
    )
    expect(page.locator(".results .other-sessions")).to_contain_text("buổi khác")
    # Its page lists them all: Tuesdays and Thursdays at 19:00.
    page.locator(".results .other-sessions a").click()
    starts = [
        dt.datetime.fromisoformat(start)
        for start in page.locator("ul.sessions time").evaluate_all("ts => ts.map(t => t.dateTime)")
    ]
    assert len(starts) > 5 and starts[0].date() == first  # the next five, and the rest folded
    assert {start.weekday() for start in starts} == {1, 3}
    assert {start.astimezone(HANOI).strftime("%H:%M") for start in starts} == {"19:00"}


def test_officer_enters_attendance_and_downloads_the_statistics(page, site, axe):
    log_in(page, site, "officer")
    before = statistics_of_this_year(page)

    page.get_by_role("link", name="Nhập số người tham dự").click()
    page.get_by_label("Cơ sở").select_option(label="Thư viện huyện Can Lộc")
    page.get_by_label("Từ ngày").fill(
        f"{max(today() - dt.timedelta(days=60), today().replace(day=1, month=1))}"
    )
    page.get_by_label("Đến ngày").fill(f"{today()}")
    page.get_by_role("button", name="Xem các buổi").click()
    assert axe(page) == []  # the entry grid with its sessions, as the officer sees it

    # The first headcount box has the focus; numbers are typed and Tab moves along the row.
    headcount = page.locator("input[name$='-attendees']").first
    expect(headcount).to_be_focused()
    previous = int(headcount.input_value() or 0)
    page.keyboard.press("Control+A")
    page.keyboard.type(str(previous + 100))
    page.keyboard.press("Tab")
    expect(page.locator("input[name$='-children']").first).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("40")
    page.get_by_role("button", name="Lưu tất cả").click()

    expect(page.locator(".messages")).to_contain_text("Đã lưu")
    expect(page.locator("input[name$='-attendees']").first).to_have_value(str(previous + 100))

    after = statistics_of_this_year(page)

    assert before.keys() == after.keys()
    grown = {
        key: after[key] - before[key]
        for key in after
        if isinstance(after[key], int) and after[key] != before[key]
    }
    assert 100 in grown.values(), grown


def statistics_of_this_year(page):
    page.get_by_role("link", name="Thống kê").click()
    # An officer starts in their own area, on the last complete year.
    expect(page.get_by_label("Địa bàn")).to_have_value("443")
    page.get_by_label("Năm").select_option(str(today().year))
    page.get_by_role("button", name="Xem", exact=True).click()
    return download_statistics(page)


def download_statistics(page):
    """The dashboard's XLSX as {(indicator, group): value}, checked against the page it came from."""
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải về XLSX").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes())).active
    header, *rows = list(sheet.values)
    assert header[:5] == ("Chỉ tiêu", "Nhóm", "Năm", "Địa bàn", "Giá trị")
    assert rows and {row[3] for row in rows} == {"Huyện Can Lộc (đến 30/06/2025)"}
    assert {row[2] for row in rows} == {today().year}
    return {(row[0], row[1]): row[4] for row in rows}


def test_provincial_staff_set_up_two_factor_sign_in_and_reach_the_admin(page, site, axe, vnu, tmp_path):
    """Production asks provincial staff for a second factor. After the password the officer is taken to the
    set-up screen, adds the key shown beside the QR code to an app (the test plays the app, with django-otp's
    TOTP), types its code, is shown ten recovery codes once, and reaches the admin. Signing in again without
    the phone, a recovery code lets them in once."""
    from django_otp.oath import TOTP

    username, _scope = USERS["newcomer"]
    page.goto(f"{site.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/xac-thuc-hai-buoc/dang-ky/\?next="))
    # Nothing else of the admin opens before the second step.
    page.goto(f"{site.url}/admin/pages/")
    page.wait_for_url(re.compile(r"/admin/xac-thuc-hai-buoc/dang-ky/\?next=%2Fadmin%2Fpages%2F"))
    expect(page.get_by_role("img").locator("svg")).to_be_visible()  # the QR code, drawn on the server
    assert axe(page) == []
    enrolment = tmp_path / "enrolment.html"
    enrolment.write_text(page.request.get(page.url).text())

    # For people who cannot scan: the key, typed by hand into the app.
    key = base64.b32decode(page.locator("[data-two-factor-secret]").inner_text().replace(" ", ""))
    code = page.get_by_role("textbox")
    code.focus()
    expect(code).to_be_focused()
    page.keyboard.type(f"{TOTP(key).token():06d}")
    page.keyboard.press("Enter")

    codes = page.locator("[data-recovery-codes] li")
    expect(codes).to_have_count(10)
    recovery = codes.first.inner_text().strip()
    assert axe(page) == []
    shown = tmp_path / "recovery-codes.html"
    shown.write_text(page.content())
    page.locator("main a.button").click()
    page.wait_for_url(f"{site.url}/admin/pages/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"{site.url}/admin/")
    assert page.url == f"{site.url}/admin/"

    # A new sign-in without the phone: a recovery code, once; then the offer to set up a new phone.
    page.context.clear_cookies()
    page.goto(f"{site.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/xac-thuc-hai-buoc/\?next="))
    assert axe(page) == []
    verification = tmp_path / "verification.html"
    verification.write_text(page.request.get(page.url).text())
    page.get_by_role("textbox").fill(recovery.upper())
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/admin/xac-thuc-hai-buoc/dang-ky/"))
    expect(page.locator(".messages .warning")).to_be_visible()
    assert page.locator("[data-recovery-codes]").count() == 0
    page.goto(f"{site.url}/admin/")
    assert page.url == f"{site.url}/admin/"

    checked = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", str(enrolment), str(shown), str(verification)],
        capture_output=True,
        text=True,
    )
    assert validation_errors(checked) == []
