"""Accessibility (axe-core, WCAG 2.0/2.1/2.2 A and AA) and HTML validity (Nu HTML Checker) of the
public pages and of our admin screens, as the browser renders them."""

import json
import subprocess
import urllib.request

import pytest

from .conftest import log_in

pytestmark = pytest.mark.browser

EVENT = "/co-so/thu-vien-tinh-ha-tinh/cau-lac-bo-doc-sach-thieu-nhi/"
STORY = "/co-so/thu-vien-tinh-ha-tinh/mo-hinh-cau-lac-bo-doc-sach-thieu-nhi/"
PUBLIC_PAGES = {
    "home": "/",
    "directory": "/co-so/",
    "filtered directory": "/co-so/?kind=library&area=443",
    "institution": "/co-so/thu-vien-tinh-ha-tinh/",
    "listing": "/lich-hoat-dong/",
    "filtered listing": "/lich-hoat-dong/?kind=club&free=1",
    "month view": "/lich-hoat-dong/?view=month",
    "listing near an area": "/lich-hoat-dong/?near=443",
    "directory near an area": "/co-so/?near=443",
    "event": EVENT,
    "stories": "/mo-hinh-tot/",
    "filtered stories": "/mo-hinh-tot/?kind=library&area=443&year=2026",
    "story": STORY,
    "search": "/tim-kiem/?q=thu+vien",
    "search too short": "/tim-kiem/?q=a",
    "English home": "/en/",
    "results": "/ket-qua/",
    "results of a district": "/ket-qua/?year=2025&area=443",
    "English results": "/en/ket-qua/",
    "open data": "/du-lieu-mo/",
    # The embeddable widget of the demo's provincial library (SPEC §12; tests/browser/test_widget.py).
    "widget": "/nhung/TV-TINH/",
    "not found": "/khong-co-trang-nay/",
}
ADMIN_SCREENS = {
    "home: the officer's missing records": "/admin/",
    "attendance entry": "/admin/attendance/",
    "visit grid": "/admin/visits/",
    "statistics dashboard": "/admin/statistics/",
    "statistics of a district": "/admin/statistics/?area=443",
}


@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_public_page_has_no_accessibility_violation(page, site, axe, path):
    page.goto(site.url + path)
    assert axe(page) == []


@pytest.mark.parametrize("path", ADMIN_SCREENS.values(), ids=ADMIN_SCREENS.keys())
def test_admin_screen_has_no_accessibility_violation(page, site, axe, path):
    log_in(page, site, "officer")
    response = page.goto(site.url + path)
    assert response.status == 200
    assert axe(page) == []


def test_public_pages_are_valid_html(site, vnu, tmp_path):
    files = []
    for name, path in PUBLIC_PAGES.items():
        try:
            body = urllib.request.urlopen(site.url + path).read()
        except urllib.error.HTTPError as error:  # the not-found page is checked too
            body = error.read()
        file = tmp_path / (name.replace(" ", "-") + ".html")
        file.write_bytes(body)
        files.append(str(file))
    checked = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", *files], capture_output=True, text=True
    )
    assert validation_errors(checked) == []
    assert checked.returncode == 0, checked.stderr


def validation_errors(checked):
    messages = json.loads(checked.stderr)["messages"]
    return [
        f"{message['url'].rsplit('/', 1)[-1]}:{message.get('lastLine')}: {message['message']}"
        for message in messages
    ]


def test_the_institution_map_is_drawn_and_accessible(page, site, axe):
    """Leaflet draws the map from the vendored files and the test server's tiles under the page's
    Content-Security-Policy (a refused script, style or image is a console error), the page passes axe
    with the map's controls in it, and Tab goes through the map and on out of it."""
    page.goto(site.url + PUBLIC_PAGES["institution"])
    area = page.locator(".institution-map")
    area.locator(".leaflet-tile-loaded").first.wait_for()
    assert area.is_visible()
    name = page.locator("h1").inner_text()
    assert area.locator("img.leaflet-marker-icon").get_attribute("alt") == name
    assert area.locator(".leaflet-control-attribution a[href*='openstreetmap.org/copyright']").count() == 1
    assert axe(page) == []
    area.focus()
    for _ in range(10):
        page.keyboard.press("Tab")
        if not area.evaluate("map => map.contains(document.activeElement)"):
            break
    else:
        pytest.fail("Tab does not leave the map")


def test_without_javascript_the_institution_page_links_to_the_coordinates(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + PUBLIC_PAGES["institution"])
    assert page.locator(".institution-map").is_hidden()
    assert page.locator("a[href^='https://www.openstreetmap.org/?mlat=']").is_visible()
    context.close()


def test_the_checkers_report_what_they_find(page, site, axe, vnu, tmp_path):
    """The gates above can fail: a missing text alternative and a stray tag are reported."""
    page.goto(site.url + "/")
    page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert any(violation.startswith("image-alt") for violation in axe(page))

    broken = tmp_path / "broken.html"
    broken.write_text('<!DOCTYPE html><html lang="vi"><head><title>x</title></head><body><p>a</span></body>')
    checked = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", str(broken)], capture_output=True, text=True
    )
    assert checked.returncode != 0
    assert any("Stray end tag" in error for error in validation_errors(checked))
