import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from institutions.models import InstitutionPage

from .test_import import BAD_ROWS, GOOD_ROWS, csv_bytes

pytestmark = pytest.mark.django_db
URL = reverse("institutions_import")


def upload(client, data: bytes, name="institutions.csv"):
    return client.post(URL, {"kind": "institutions", "file": SimpleUploadedFile(name, data, "text/csv")})


def test_upload_shows_a_preview_and_writes_nothing(admin_client):
    response = upload(admin_client, csv_bytes(*GOOD_ROWS))
    assert response.status_code == 200
    assert b'name="confirm"' in response.content
    assert "TV-CL – Thư viện huyện Can Lộc" in response.content.decode()
    assert not InstitutionPage.objects.exists()


def test_confirming_the_preview_imports_the_file(admin_client):
    response = upload(admin_client, csv_bytes(*GOOD_ROWS))
    token = response.context["token"]
    response = admin_client.post(URL, {"confirm": "1", "token": token}, follow=True)
    assert response.status_code == 200
    assert InstitutionPage.objects.count() == 2
    assert InstitutionPage.objects.get(code="TV-CL").live


def test_a_preview_is_confirmed_only_once(admin_client):
    token = upload(admin_client, csv_bytes(*GOOD_ROWS)).context["token"]
    admin_client.post(URL, {"confirm": "1", "token": token})
    response = admin_client.post(URL, {"confirm": "1", "token": token}, follow=True)
    assert InstitutionPage.objects.count() == 2
    assert [m.level_tag for m in response.context["messages"]][-1] == "error"


def test_row_errors_are_listed_with_line_numbers_and_cannot_be_confirmed(admin_client):
    response = upload(admin_client, csv_bytes(GOOD_ROWS[0], BAD_ROWS[0][0]))
    content = response.content.decode()
    assert response.status_code == 200
    assert b'name="confirm"' not in response.content
    assert "<td>3</td>" in content
    assert "kind" in content
    assert not InstitutionPage.objects.exists()


def test_an_unknown_token_imports_nothing(admin_client):
    response = admin_client.post(URL, {"confirm": "1", "token": "forged"}, follow=True)
    assert response.status_code == 200
    assert not InstitutionPage.objects.exists()


def test_missing_file_is_a_form_error(admin_client):
    response = admin_client.post(URL, {"kind": "institutions"})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_staff_without_import_rights_cannot_import(client, django_user_model):
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user("editor", password="password")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    # Wagtail answers a refused admin view by sending the user back to the dashboard.
    assert client.get(URL).status_code in (302, 403)
    assert upload(client, csv_bytes(*GOOD_ROWS)).status_code in (302, 403)
    assert not InstitutionPage.objects.exists()


def test_import_screen_is_in_the_admin_menu(admin_client):
    response = admin_client.get(reverse("wagtailadmin_home"))
    assert URL in response.content.decode()
