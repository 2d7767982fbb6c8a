"""The embeddable widget (SPEC §12) as another website shows it: the snippet from the institution's page
pasted into a page of another origin, in Debian's Chromium.

The other website is a small `http.server` in the test process on its own port, opened as
`http://localhost:<its port>/` while the portal is `http://127.0.0.1:<port>`: another host and another
port, so another origin and even another site for the browser (frame-ancestors compares origins). The
same page framing the portal's home page shows that the browser does refuse a frame there.
"""

import html
import re
import subprocess
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from .test_page_checks import PUBLIC_PAGES, validation_errors

pytestmark = pytest.mark.browser

# The demo's provincial library (portal/demo), whose reading corner is on every day.
WIDGET = PUBLIC_PAGES["widget"]
INSTITUTION = PUBLIC_PAGES["institution"]


def host_page(frame: str) -> bytes:
    """Another website's page, 240 px wide where the frame goes: the narrowest the widget is made for."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>A library website</title></head>'
        f'<body><h1>Our library</h1><div style="width: 240px">{frame}</div></body></html>'
    ).encode()


@pytest.fixture
def other_website():
    """Serves `pages[path]` on localhost at a port of its own; yields (its address, pages)."""
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_port}", pages
    finally:
        server.shutdown()
        server.server_close()


def snippet_of(site) -> str:
    """The code the institution's public page offers to copy, as a webmaster would copy it."""
    page = urllib.request.urlopen(site.url + INSTITUTION).read().decode()
    found = re.search(r'<details class="embed">.*?<pre><code>(.*?)</code></pre>', page, re.S)
    return html.unescape(found.group(1))


def test_another_website_shows_the_widget_and_its_links_open_in_a_new_tab(page, site, other_website):
    address, pages = other_website
    snippet = snippet_of(site)
    assert f'src="{site.url}{WIDGET}"' in snippet
    pages["/"] = host_page(snippet)
    console = []
    page.on("console", lambda message: console.append(message.text))
    framed = []
    page.on("response", lambda response: WIDGET in response.url and framed.append(response))

    page.goto(address + "/")
    assert address.split(":")[1] != site.url.split(":")[1]  # localhost is not 127.0.0.1
    widget = page.frame_locator("iframe")
    expect(widget.locator("h1")).to_contain_text("Thư viện tỉnh Hà Tĩnh")
    sessions = widget.locator(".sessions li")
    expect(sessions.first).to_be_visible()
    assert 1 <= sessions.count() <= 5
    frame = page.frame(url=re.compile(re.escape(WIDGET)))
    # Its own stylesheet applies (waited for: on a busy machine the list shows before the sheet arrives)…
    frame.wait_for_load_state()
    expect(widget.locator("a").first).to_have_css("color", "rgb(11, 93, 59)")
    # …and it is as wide as the frame: nothing sticks out sideways at 240 px.
    assert frame.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")

    assert framed and "frame-ancestors *" in framed[0].headers["content-security-policy"]
    assert "set-cookie" not in framed[0].headers
    assert page.context.cookies() == []  # neither the framed page nor its stylesheet set one

    link = widget.locator(".sessions a").first
    title = link.evaluate("a => a.firstChild.textContent")
    with page.context.expect_page() as opened:
        link.click()
    event_page = opened.value
    event_page.wait_for_load_state()
    assert event_page.url.startswith(site.url + "/co-so/thu-vien-tinh-ha-tinh/")
    expect(event_page.locator("h1")).to_have_text(title)
    assert page.url == address + "/"  # the other website stays where it was
    assert not [text for text in console if "Content Security Policy" in text or "Refused" in text]
    event_page.close()


def test_the_rest_of_the_site_cannot_be_framed_by_another_website(browser, site, other_website):
    """The check above can fail: the home page in the same frame is refused, and the console says why."""
    address, pages = other_website
    pages["/home"] = host_page(
        f'<iframe src="{site.url}/" title="Home" height="400" style="width:100%"></iframe>'
    )
    context = browser.new_context()
    page = context.new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(address + "/home")
    page.wait_for_timeout(500)
    assert any("frame-ancestors" in text for text in console), console
    frame = page.frames[1]
    assert frame.url != site.url + "/"  # Chromium's error page, not the portal's home page
    context.close()


def test_the_widget_is_valid_html(site, vnu, tmp_path):
    files = []
    for name, path in {
        "widget": WIDGET,
        "filtered": WIDGET + "?kind=club&limit=20",
        "unknown": "/nhung/X/",
    }.items():
        try:
            body = urllib.request.urlopen(site.url + path).read()
        except urllib.error.HTTPError as error:  # the unknown code's 404 is the widget's page too
            body = error.read()
        file = tmp_path / f"widget-{name}.html"
        file.write_bytes(body)
        files.append(str(file))
    checked = subprocess.run(
        [*vnu, "--errors-only", "--format", "json", *files], capture_output=True, text=True
    )
    assert validation_errors(checked) == []
    assert checked.returncode == 0, checked.stderr
