"""The background worker as a process of its own beside the web server, as `make run` and a deployment
run them: a large import is uploaded to gunicorn, checked and written by `manage.py db_worker`."""

from __future__ import annotations

import time
import uuid

from tests.institutions.test_import import GOOD_ROWS, csv_bytes
from tests.servers import Person, session_keys_code, site_served, stored

SETUP = (
    """
import json
from django.contrib.auth import get_user_model
admin = get_user_model().objects.create_superuser("nhap", password="Nhap-lieu-2026")
"""
    + session_keys_code("admin", 1)
    + """
print(json.dumps({"key": keys[0]}))
"""
)


def multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def wait_until_settled(person: Person, path: str) -> str:
    deadline = time.monotonic() + 90
    while True:
        status, page = person.request("GET", path)
        assert status == 200, page[:500]
        if 'http-equiv="refresh"' not in page:
            return page
        assert time.monotonic() < deadline, "the worker did not finish"
        time.sleep(0.3)


def test_the_worker_process_beside_the_server_checks_and_imports_a_large_file(tmp_path):
    """gunicorn and `manage.py db_worker` as separate processes on one database, as `make run` and a
    deployment run them: the request that uploads the file answers at once, the worker does the rest."""
    with site_served(tmp_path, SETUP, workers=1, worker=True, IMPORT_BACKGROUND_BYTES="100") as site:
        person = Person(site["port"], site["key"])
        fields = person.open("/admin/import/")
        body, content_type = multipart(
            {"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"], "kind": "institutions"},
            "co-so.csv",
            csv_bytes(*GOOD_ROWS),
        )
        status, _page = person.request("POST", "/admin/import/", body, content_type)
        assert status == 302 and "/admin/import/" in person.location, _page[:500]
        run_page = person.location.replace("http://127.0.0.1", "")

        preview = wait_until_settled(person, run_page)
        assert 'name="confirm"' in preview
        fields = person.open(run_page)
        status, _page = person.request(
            "POST", run_page, f"csrfmiddlewaretoken={fields['csrfmiddlewaretoken']}&confirm=1"
        )
        assert status == 302
        result = wait_until_settled(person, run_page)
        assert "Đã nhập" in result or "Imported" in result
        codes = stored(
            site,
            "import json; from institutions.models import InstitutionPage; "
            "print(json.dumps(sorted(InstitutionPage.objects.values_list('code', flat=True))))",
        )
        assert codes == sorted(row.split(",")[0] for row in GOOD_ROWS)
