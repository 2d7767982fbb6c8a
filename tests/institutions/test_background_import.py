"""Large imports run in the background worker: the person follows them on a page, confirms the preview
there, and reads the result later; no request has to last as long as the import."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from institutions.models import ImportRun, InstitutionPage
from tests.institutions.test_import import BAD_ROWS, GOOD_ROWS, csv_bytes
from tests.institutions.test_import_admin import upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def every_file_is_large(settings, monkeypatch):
    settings.IMPORT_BACKGROUND_BYTES = 100  # the test files are a few hundred bytes
    # The worker runs here inside the test's transaction: it must not recycle the connection that holds
    # it (test_background_worker.py runs it as a process of its own).
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def work_off_the_queue() -> None:
    """The worker's command, until the queue is empty."""
    call_command("db_worker", "--backend", "background", "--batch", "--no-startup-delay", "--interval", "0")


def test_a_large_file_is_checked_by_the_worker_then_confirmed_and_imported(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, csv_bytes(*GOOD_ROWS))
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("institutions_import_run", args=[run.pk])
    page = admin_client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page  # it looks again while the worker works
    assert run.status == ImportRun.Status.CHECKING
    assert not InstitutionPage.objects.exists()

    work_off_the_queue()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED
    page = admin_client.get(response["Location"]).content.decode()
    assert 'name="confirm"' in page
    assert "TV-CL – Thư viện huyện Can Lộc" in page
    assert 'http-equiv="refresh"' not in page
    assert not InstitutionPage.objects.exists()  # checked, nothing written

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(response["Location"], {"confirm": "1"})
    run.refresh_from_db()
    assert run.status == ImportRun.Status.IMPORTING
    work_off_the_queue()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    assert InstitutionPage.objects.count() == 2
    assert bytes(run.data) == b""  # the file is not kept once imported; the report is
    assert run.report["created"] == 2
    listed = admin_client.get(reverse("institutions_import")).content.decode()
    assert reverse("institutions_import_run", args=[run.pk]) in listed


def test_a_run_is_confirmed_only_once(admin_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        location = upload(admin_client, csv_bytes(*GOOD_ROWS))["Location"]
    work_off_the_queue()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        admin_client.post(location, {"confirm": "1"})
        admin_client.post(location, {"confirm": "1"})
    assert len(callbacks) == 1
    work_off_the_queue()
    assert InstitutionPage.objects.count() == 2


def test_a_file_with_errors_is_refused_with_its_lines_and_not_kept(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        location = upload(admin_client, csv_bytes(GOOD_ROWS[0], BAD_ROWS[0][0]))["Location"]
    work_off_the_queue()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REFUSED
    assert bytes(run.data) == b""
    page = admin_client.get(location).content.decode()
    assert "<td>3</td>" in page
    assert 'name="confirm"' not in page
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        admin_client.post(location, {"confirm": "1"})
    assert callbacks == []
    assert not InstitutionPage.objects.exists()


def test_only_the_person_who_uploaded_it_sees_a_run(client, django_user_model):
    from institutions.roles import editors_group
    from tests.institutions.factories import InstitutionPageFactory

    group = editors_group(InstitutionPageFactory())
    owner, colleague = (django_user_model.objects.create_user(name, password="pw-12345678") for name in "ab")
    for person in (owner, colleague):
        person.groups.add(group)
    run = ImportRun.objects.create(user=owner, kind="institutions", file_name="x.csv")
    address = reverse("institutions_import_run", args=[run.pk])
    client.force_login(colleague)
    refused = client.get(address)
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")  # Wagtail's 403
    client.force_login(owner)
    assert "x.csv" in client.get(address).content.decode()
