"""What a resident does: find an activity, take it into a calendar, find a place near them on a phone."""

import datetime as dt
import os
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def focus_is_visible(page):
    """The focused element carries the site's focus ring (a solid outline at least 2px wide)."""
    style = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    return style[0] == "solid" and style[1] >= 2


def test_resident_filters_the_listing_opens_an_event_and_downloads_its_calendar(page, site):
    page.goto(site.url + "/lich-hoat-dong/")

    # The first Tab reaches the skip link, shown with a focus ring; it leads to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Chuyển đến nội dung chính")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")

    # Filters with the keyboard only: tick "Club" and "Children", then submit with Enter.
    kinds = page.get_by_role("group", name="Loại hình")
    kinds.get_by_label("Câu lạc bộ").focus()
    assert focus_is_visible(page)
    page.keyboard.press("Space")
    page.get_by_role("group", name="Dành cho").get_by_label("Thiếu nhi").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Lọc").focus()
    assert focus_is_visible(page)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"kind=club"))
    assert "audience=children" in page.url

    heading = page.get_by_role("heading", level=2, name=re.compile(r"^\d+ buổi$"))
    assert int(heading.inner_text().split()[0]) > 0
    metas = page.locator(".results .result .meta").all_inner_texts()
    assert metas and all(meta.startswith("Câu lạc bộ ·") for meta in metas)
    expect(kinds.get_by_label("Câu lạc bộ")).to_be_checked()  # the form shows what was asked

    first = page.locator(".results .result").first
    day = dt.date.fromisoformat(first.locator("xpath=preceding::h3[1]/time").get_attribute("datetime"))
    starts_at = first.locator(".time").inner_text().split("–")[0].strip()
    title = first.locator("h4 a").inner_text()
    first.locator("h4 a").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("navigation", name="Đường dẫn")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Thêm vào lịch của tôi (.ics)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")

    calendar = icalendar.Calendar.from_ical(download.path().read_bytes())
    (event,) = calendar.walk("VEVENT")[:1]
    assert str(event["SUMMARY"]) == title
    hour, minute = map(int, starts_at.split(":"))
    expected = dt.datetime.combine(day, dt.time(hour, minute), HANOI)
    occurrences = recurring_ical_events.of(calendar).between(day, day + dt.timedelta(days=1))
    assert expected in [occurrence["DTSTART"].dt for occurrence in occurrences]


@pytest.fixture
def phone(browser, site):
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=3,
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


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_resident_uses_the_directory_on_a_phone(phone, site):
    phone.goto(site.url + "/co-so/")
    assert fits_the_screen(phone)

    phone.get_by_label("Tìm kiếm").fill("thư viện")
    phone.get_by_role("group", name="Cấp").get_by_label("Cấp huyện").tap()
    phone.get_by_label("Địa bàn").select_option(label="Huyện Can Lộc (đến 30/06/2025)")
    phone.get_by_role("button", name="Lọc").tap()
    phone.wait_for_url(re.compile(r"level=district"))
    assert fits_the_screen(phone)

    names = phone.locator(".results .result h3").all_inner_texts()
    assert names == ["Thư viện huyện Can Lộc"]
    phone.get_by_role("link", name="Thư viện huyện Can Lộc").tap()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Thư viện huyện Can Lộc")
    assert fits_the_screen(phone)
    expect(phone.locator("a[href^='tel:']").first).to_be_visible()
    expect(phone.locator("a[href*='openstreetmap.org/?mlat']")).to_be_visible()
    expect(phone.locator(".status").first).to_have_text(re.compile("Đang mở cửa|Đang đóng cửa"))


# `PORTAL_SCREENSHOTS=1 make test-browser` writes the README's phone screenshots again.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TAKE_SCREENSHOTS = bool(os.environ.get("PORTAL_SCREENSHOTS"))


def top_of(locator) -> float:
    return locator.bounding_box()["y"]


def test_on_a_phone_the_listing_folds_its_filters_and_shows_the_first_result_on_the_first_screen(
    phone, site, axe
):
    phone.goto(site.url + "/lich-hoat-dong/?kind=club&kind=class")
    assert fits_the_screen(phone)
    summary = phone.locator(".filter-panel > summary")
    expect(summary).to_have_text("Bộ lọc (2)")
    expect(phone.get_by_role("group", name="Loại hình")).to_be_hidden()  # folded
    first = phone.locator(".results .result").first
    assert top_of(first) + 40 < 740  # its time and title are on the first screen
    chips = phone.get_by_role("list", name="Bộ lọc đang dùng")
    expect(chips.get_by_role("link", name=re.compile("^Lớp học"))).to_be_visible()
    assert axe(phone) == []
    if TAKE_SCREENSHOTS:
        phone.screenshot(path=SCREENSHOTS / "listing-360.png")

    # One tap drops a filter; another unfolds the form, which works as on a wide screen.
    chips.get_by_role("link", name=re.compile("^Lớp học")).tap()
    phone.wait_for_url(re.compile(r"\?kind=club$"))
    summary.tap()
    phone.get_by_role("group", name="Dành cho").get_by_label("Thiếu nhi").tap()
    phone.get_by_role("button", name="Lọc").tap()
    phone.wait_for_url(re.compile(r"audience=children"))
    expect(phone.locator(".filter-panel > summary")).to_have_text("Bộ lọc (2)")


def test_on_a_phone_the_month_is_an_agenda(phone, site, axe):
    phone.goto(site.url + "/lich-hoat-dong/?view=month")
    assert fits_the_screen(phone)
    expect(phone.locator("table.month thead")).to_be_hidden()  # no weekday columns
    days = phone.locator("table.month h3:visible")
    assert days.count() > 0
    assert re.match(r"^Thứ .+, \d\d/\d\d/\d{4}$", days.first.inner_text())  # the whole date, as a heading
    expect(phone.locator("table.month td:not(.has-sessions)").first).to_be_hidden()  # days without sessions
    assert top_of(phone.locator("table.month td.has-sessions a").first) < 740
    expect(phone.get_by_role("link", name="Tháng sau")).to_be_visible()
    assert axe(phone) == []
    if TAKE_SCREENSHOTS:
        phone.screenshot(path=SCREENSHOTS / "month-360.png")


def test_on_a_phone_an_event_page_says_when_where_and_how_much_on_the_first_screen(phone, site, axe):
    phone.goto(site.url + "/lich-hoat-dong/?kind=club")
    phone.locator(".results .result h4 a").first.tap()
    summary = phone.locator("[data-schedule-summary]")
    expect(summary).to_be_visible()
    if TAKE_SCREENSHOTS:
        phone.screenshot(path=SCREENSHOTS / "event-360.png")
    box = summary.bounding_box()
    assert box["y"] + box["height"] <= 740
    assert fits_the_screen(phone)
    assert axe(phone) == []


def test_resident_lists_the_institutions_near_them(site, browser):
    """'Dùng vị trí của tôi': the browser picks the nearest area; the position itself never leaves it."""
    context = browser.new_context(
        locale="vi-VN", geolocation={"latitude": 18.45, "longitude": 105.75}, permissions=["geolocation"]
    )
    page = context.new_page()
    sent = []
    page.on("request", lambda request: sent.append(request.url + (request.post_data or "")))
    page.goto(site.url + "/co-so/")
    page.get_by_role("button", name="Dùng vị trí của tôi").click()
    page.wait_for_url(re.compile(r"near=\d+"))
    assert all("18.45" not in url and "105.75" not in url for url in sent)
    first = page.locator(".results .result").first
    expect(first.locator(".distance")).to_contain_text("km")
    distances = [
        float(text.split()[1].replace(",", "."))
        for text in page.locator(".results .distance").all_inner_texts()
    ]
    assert distances == sorted(distances)
    context.close()


def test_resident_finds_a_good_model_on_a_phone_without_javascript(phone_without_javascript, site):
    """From the home page to the good models, filtered by the form alone, to a story and its figures."""
    phone = phone_without_javascript
    phone.goto(site.url + "/")
    story_link = phone.locator("#good-models ~ .result-list a").first
    title = story_link.inner_text()
    phone.locator("a[href='/mo-hinh-tot/']").last.tap()
    phone.wait_for_url(re.compile(r"/mo-hinh-tot/$"))
    assert fits_the_screen(phone)
    phone.locator("input[name=kind][value=museum]").check()
    phone.locator("form.filters button[type=submit]").tap()
    phone.wait_for_url(re.compile(r"kind=museum"))
    assert phone.locator(".results .result").count() == 0
    phone.locator("input[name=kind][value=museum]").uncheck()
    phone.locator("input[name=kind][value=library]").check()
    phone.locator("form.filters button[type=submit]").tap()
    phone.wait_for_url(re.compile(r"kind=library"))
    phone.get_by_role("link", name=title).tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)
    assert fits_the_screen(phone)
    expect(phone.locator(".year-figures").first).to_be_visible()
    expect(phone.locator(".key-figures")).to_be_visible()
