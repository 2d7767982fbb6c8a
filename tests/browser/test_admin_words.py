"""Every screen an editor, an area officer and provincial staff use reads in Vietnamese: a walk through
them in the browser fails on any English word a person would see or hear (portal.admin_words)."""

import json

import pytest
from playwright.sync_api import expect

from portal.admin_words import english_words

from .conftest import log_in

pytestmark = pytest.mark.browser

# The text a person meets: visible text (screen-reader-only text included), and the labels read out
# for controls; not code, scripts or hidden elements.
VISIBLE_TEXT = """() => {
  const skipped = new Set(["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT", "CODE", "KBD", "SAMP"]);
  const parts = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode(node) {
      if (node.nodeType === Node.TEXT_NODE) return NodeFilter.FILTER_ACCEPT;
      if (skipped.has(node.tagName) || !node.checkVisibility()) return NodeFilter.FILTER_REJECT;
      for (const name of ["aria-label", "title", "placeholder", "alt"]) {
        if (node.getAttribute(name)) parts.push(node.getAttribute(name));
      }
      if (node.tagName === "INPUT" && ["submit", "button"].includes(node.type)) parts.push(node.value);
      return NodeFilter.FILTER_SKIP;
    },
  });
  while (walker.nextNode()) parts.push(walker.currentNode.textContent);
  return parts.join(" ");
}"""


@pytest.fixture(scope="module")
def ids(site):
    """The pages the walk opens, found in the demo data."""
    script = (
        "import json; from institutions.models import InstitutionPage; "
        "from wagtail.models import Site; "
        "house = InstitutionPage.objects.get(code='NVH-YENLAC'); "
        "event = house.get_children().first(); "
        "print(json.dumps({'house': house.pk, 'event': event.pk, "
        "'home': Site.objects.get(is_default_site=True).root_page_id}))"
    )
    return json.loads(site.manage("shell", "-c", script).strip().splitlines()[-1])


def english_on(page, site, path):
    response = page.goto(site.url + path)
    assert response.status == 200, path
    page.wait_for_load_state("networkidle")
    return english_words(page.evaluate(VISIBLE_TEXT))


def walk(page, site, paths):
    found = {path: english_on(page, site, path) for path in paths}
    return {path: words for path, words in found.items() if words}


def test_an_editor_meets_no_english(page, site, ids, axe):
    log_in(page, site, "editor")
    assert axe(page) == []  # the home page with the editor's own work
    assert (
        walk(
            page,
            site,
            [
                "/admin/",
                "/admin/pages/",
                f"/admin/pages/{ids['house']}/",
                f"/admin/pages/{ids['event']}/edit/",
                f"/admin/pages/{ids['event']}/history/",
                f"/admin/pages/add/events/eventpage/{ids['house']}/",
                "/admin/images/",
                f"/admin/attendance/?institution={ids['house']}&first_day=2026-01-01&last_day=2026-03-31",
                "/admin/visits/",
                "/admin/import/",
                "/admin/snippets/events/attendance/",
                "/admin/reports/site-history/",
                "/admin/account/",
            ],
        )
        == {}
    )
    # A form with an error: its banner, and the link to the first error.
    page.goto(f"{site.url}/admin/pages/add/events/eventpage/{ids['house']}/")
    page.get_by_role("button", name="Lưu nháp").click()
    expect(page.locator(".messages")).to_contain_text("Đến lỗi đầu tiên")
    assert english_words(page.evaluate(VISIBLE_TEXT)) == []


def test_an_officer_meets_no_english(page, site):
    log_in(page, site, "officer")
    areas = "/admin/statistics/areas/?indicator=lifelong_learning_services&group=library_district_public"
    paths = ["/admin/", "/admin/statistics/", areas, "/admin/attendance/", "/admin/visits/"]
    paths += ["/admin/snippets/institutions/visitcount/", "/admin/reports/site-history/"]
    assert walk(page, site, paths) == {}


def test_provincial_staff_meet_no_english(page, site, ids, axe):
    log_in(page, site, "moderator")
    assert axe(page) == []  # the home page with the province's missing records by area
    paths = ["/admin/", "/admin/pages/", f"/admin/pages/{ids['home']}/", "/admin/statistics/"]
    paths += ["/admin/snippets/", "/admin/snippets/portal/target/", "/admin/import/", "/admin/images/"]
    paths += ["/admin/reports/locked/", "/admin/reports/aging-pages/"]
    assert walk(page, site, paths) == {}
    # The top of the page tree is not "Root".
    page.goto(site.url + "/admin/pages/")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("Root")
