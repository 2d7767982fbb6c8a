"""Browser journeys, accessibility and HTML checks against a real server in Debian's Chromium.

The server is the project run with its production settings (tests/browser/server_settings.py) on
a throwaway SQLite database holding the demo content and one user per role. It runs in its own
process, as in production; the tests talk to it only through HTTP.

These tests are left out of `make test` (marker `browser`); `make test-browser` runs them.
Without Chromium, Java or the npm checkers they are skipped, unless PORTAL_BROWSER_GATES=required
(as in CI), where a missing tool is a failure.
"""

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.mail import smtp_server  # noqa: F401 (a fixture: a real SMTP server)
from tests.servers import free_port, wait_until_serving

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
PASSWORD = "Browser-journeys-2026"
# Playwright's synchronous API runs an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def require(condition, reason):
    """Skip when a tool is missing, or fail when CI says the gates are required."""
    if condition:
        return
    if os.environ.get("PORTAL_BROWSER_GATES") == "required":
        pytest.fail(reason)
    pytest.skip(reason)


@dataclass
class Site:
    url: str
    env: dict
    log: Path

    def manage(self, *args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout


USERS = {
    # role: (username, add_staff arguments)
    "editor": ("bientap-yenlac", ["--institution", "NVH-YENLAC"]),
    "moderator": ("kiemduyet-tinh", ["--province"]),
    "officer": ("thongke-canloc", ["--area", "443"]),
    # The provincial museum's editor: the demo's full workshop taking registration is theirs.
    "librarian": ("bientap-baotang", ["--institution", "BT-TINH"]),
    # The provincial library's editor: its reading corner is on every day (the offline entry app).
    "reading_room": ("bientap-thuvientinh", ["--institution", "TV-TINH"]),
    # Provincial staff who have not set up two-factor sign-in yet (test_staff_journeys.py does).
    "newcomer": ("xacthuc-tinh", ["--province"]),
}
# The server runs the production settings, which ask superusers and provincial staff for a code from an
# authenticator app after the password (OTP_REQUIRED_FOR). The moderator has set one up, with this key:
# `log_in` types its code as their phone would show it, so the journeys go through the real second step.
APP_KEYS = {"moderator": "3132333435363738393031323334353637383930"}
VERIFY_PATH = "/admin/xac-thuc-hai-buoc/"


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.browser.server_settings",
        "DATABASE_URL": f"sqlite:///{folder / 'site.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "SECRET_KEY": "browser-tests-only-9d8f7g6h5j4k3l2q1w0e9r8t7y6u5i4o",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "WAGTAILADMIN_BASE_URL": "http://127.0.0.1",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    port = free_port()
    site = Site(url=f"http://127.0.0.1:{port}", env=env, log=folder / "server.log")
    site.manage("migrate", "--noinput")
    site.manage("load_demo")
    for username, scope in USERS.values():
        site.manage("add_staff", username, *scope, "--password", PASSWORD)
    for role, key in APP_KEYS.items():
        site.manage(
            "shell",
            "-c",
            "from django.contrib.auth import get_user_model; "
            "from django_otp.plugins.otp_totp.models import TOTPDevice; "
            f"user = get_user_model().objects.get(username={USERS[role][0]!r}); "
            f"TOTPDevice.objects.create(user=user, name='app', key={key!r}, confirmed=True)",
        )
    with open(site.log, "w") as log:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_serving(server, port, site.log)
        yield site
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
        "accept_downloads": True,
    }


@pytest.fixture
def page(page, site):
    """A page whose console errors (a script or a Content-Security-Policy refusal) fail the test."""
    errors = []
    page.on(
        "console",
        # A failed load is reported by the response handler below, with its address; a page that
        # answers 404 on purpose is not an error.
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")
            and errors.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and response.request.resource_type != "document"
            and errors.append(f"{response.status} {response.url}")
        ),
    )
    page.set_default_timeout(15_000)
    yield page
    assert errors == [], "the browser reported errors"


def log_in(page, site, role):
    username, _ = USERS[role]
    page.goto(f"{site.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.keyboard.press("Enter")
    if role in APP_KEYS:
        page.wait_for_url(re.compile(re.escape(site.url + VERIFY_PATH) + r"\?"))
        page.fill("input[name=otp_token]", app_code(role))
        page.keyboard.press("Enter")
    page.wait_for_url(f"{site.url}/admin/")


USED_STEPS: dict[str, int] = {}


def app_code(role: str) -> str:
    """The code `role`'s app shows now. The portal takes each code once: when this 30-second step's was
    typed already (an earlier journey), wait for the next one."""
    from django_otp.oath import TOTP

    totp = TOTP(bytes.fromhex(APP_KEYS[role]))
    if totp.t() <= USED_STEPS.get(role, -1):
        time.sleep(totp.step - time.time() % totp.step + 0.5)
    USED_STEPS[role] = totp.t()
    return f"{totp.token():06d}"


@pytest.fixture
def axe():
    require(AXE_JS.exists(), "axe-core is not installed (npm ci)")

    source = AXE_JS.read_text()

    def check(page):
        # Evaluated through the DevTools protocol: the page's Content-Security-Policy stays in force
        # and still refuses any inline script of the page itself.
        page.evaluate(source)
        result = page.evaluate(
            """() => axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
            })"""
        )
        return [
            f"{violation['id']} ({violation['impact']}): {violation['help']} — "
            + "; ".join(node["target"][0] if node["target"] else "?" for node in violation["nodes"][:5])
            for violation in result["violations"]
        ]

    return check


@pytest.fixture(scope="session")
def vnu():
    java = shutil.which("java")
    require(java is not None, "Java is not installed (apt-get install default-jre-headless)")
    require(VNU_JAR.exists(), "vnu-jar is not installed (npm ci)")
    return [java, "-jar", str(VNU_JAR)]


@pytest.fixture
def phone_without_javascript(browser, site):
    """A 360 px phone with scripts off: every public page must work on it."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        java_script_enabled=False,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    yield context.new_page()
    context.close()
