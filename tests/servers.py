"""A real site for the tests that need one: the project served by gunicorn (and, when asked, its
background worker) on a database of the suite's engine that several processes share, and a person's
browser reduced to what a form needs (cookies, the POST form's fields)."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(tmp_path) -> tuple[str, callable]:
    """A database of the suite's engine that the server's processes can share, and how to drop it."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        return f"sqlite:///{tmp_path / 'site.sqlite3'}", lambda: None
    import psycopg

    name = f"concurrency_{uuid.uuid4().hex[:8]}"
    server = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{server}/{name}", drop


def wait_until_serving(server: subprocess.Popen, port: int, log_path: Path, seconds: float = 60) -> None:
    """Return once the server answers on the port; fail with its log if it stops or never answers."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{log_path.read_text()}") from None
            time.sleep(0.2)


@contextlib.contextmanager
def site_served(
    folder: Path, setup: str, *, workers: int = 2, threads: int = 1, worker: bool = False, **environment
):
    """Migrate a fresh database, run `setup` in `manage.py shell` (its last line printed is JSON), and
    serve the site (each of the `workers` processes with `threads` threads: gunicorn's gthread worker
    when more than one); with `worker`, the background worker runs beside it. Yields the setup's data
    with the port, the environment and the log."""
    url, drop = database_url(folder)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.browser.server_settings",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(folder / "media"),
        "SECRET_KEY": "served-tests-only-5f4d3s2a1q0w9e8r7t6y5u4i3o2p1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CACHE_URL": "dummy://",
        "CONN_MAX_AGE": "0",
        **environment,
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True)
    made = subprocess.run(
        [*manage, "shell", "-c", setup], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    data = json.loads(made.stdout.strip().splitlines()[-1])
    port = free_port()
    log_path = folder / "server.log"
    log = open(log_path, "w")  # noqa: SIM115 (open while the server runs)
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "portal.wsgi",
                "--workers",
                str(workers),
                *(["--threads", str(threads)] if threads > 1 else []),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    ]
    if worker:
        processes.append(
            subprocess.Popen(
                [*manage, "db_worker", "--backend", "background", "--interval", "0.2", "--no-startup-delay"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
    try:
        wait_until_serving(processes[0], port, log_path)
        yield {**data, "port": port, "env": env, "log": log_path}
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        log.close()
        drop()


def session_keys_code(user: str, count: int) -> str:
    """Python for the setup: `count` logged-in sessions of the user in variable `user`, as `keys`, each
    past its second factor (the servers run the production settings, which ask superusers for one)."""
    return f"""
from django.contrib.sessions.backends.db import SessionStore
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
device = StaticDevice.objects.create(user={user}, name="recovery codes")
keys = []
for _ in range({count}):
    store = SessionStore()
    store["_auth_user_id"] = str({user}.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = {user}.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    keys.append(store.session_key)
"""


class FormInputs(HTMLParser):
    """The fields a browser would send with the page's POST form."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.in_post_form = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.in_post_form = (attributes.get("method") or "").lower() == "post"
        elif tag == "input" and self.in_post_form and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_post_form = False


class Person:
    """One member of staff in their own browser (or, without a session key, a visitor): their login, the CSRF
    cookie, and the open screen."""

    def __init__(self, port: int, session_key: str = ""):
        self.port = port
        self.cookies = {"__Host-sessionid": session_key} if session_key else {}

    def request(
        self, method: str, path: str, body: str | bytes | None = None, content_type: str = ""
    ) -> tuple[int, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        if body is not None:
            headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie" and (found := re.match(r"([^=]+)=([^;]*)", value)):
                self.cookies[found.group(1)] = found.group(2)
        self.location = response.getheader("Location", "")
        text = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, text

    def open(self, path: str) -> dict[str, str]:
        status, text = self.request("GET", path)
        assert status == 200, text[:500]
        parser = FormInputs()
        parser.feed(text)
        return parser.fields


def stored(served, code: str):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=served["env"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])
