import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import formats, translation
from wagtail.models import Page, Site

from events.models import EventIndexPage
from institutions.models import InstitutionIndexPage
from portal.models import HomePage

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_migrations_alone_give_home_directory_and_listing_pages(client):
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    directory = InstitutionIndexPage.objects.child_of(home).live().get()
    listing = EventIndexPage.objects.child_of(home).live().get()
    for page in (home, directory, listing):
        assert client.get(page.url).status_code == 200
    assert Page.objects.filter(title__startswith="Welcome").count() == 0


@pytest.mark.django_db
def test_header_links_follow_a_published_move_of_the_calendar(client):
    def header(path):
        return client.get(path).content.decode().split("</header>")[0]

    assert 'href="/lich-hoat-dong/"' in header("/co-so/")
    assert 'href="/en/lich-hoat-dong/"' in header("/en/co-so/")
    listing = EventIndexPage.objects.get()
    listing.slug = "su-kien"
    listing.save_revision().publish()
    assert 'href="/su-kien/"' in header("/co-so/")
    assert 'href="/lich-hoat-dong/"' not in header("/co-so/")


@pytest.mark.django_db
def test_home_page_in_vietnamese_and_english(client):
    vietnamese = client.get("/").content.decode()
    assert '<html lang="vi">' in vietnamese
    assert "Danh bạ cơ sở" in vietnamese and "Lịch hoạt động" in vietnamese
    english = client.get("/en/").content.decode()
    assert '<html lang="en">' in english
    assert "Directory of institutions" in english
    assert 'href="/en/co-so/"' in english


@pytest.mark.django_db
def test_language_switcher_links_to_the_same_page(client):
    content = client.get("/co-so/").content.decode()
    assert 'href="/en/co-so/" lang="en"' in content


@pytest.mark.django_db
def test_unknown_page_is_a_translated_404(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.django_db
def test_admin_login_is_in_vietnamese(client):
    content = client.get("/admin/login/").content.decode()
    assert 'lang="vi"' in content
    for text in ("Đăng nhập trang quản trị cổng thông tin", "Tên đăng nhập", "Mật khẩu", "Quên mật khẩu?"):
        assert text in content


@pytest.mark.django_db
def test_admin_dashboard_menu_is_in_vietnamese(admin_client):
    content = admin_client.get("/admin/").content.decode()
    for text in ("Trang", "Hình ảnh", "Nhập dữ liệu", "Dữ liệu danh bạ", "Đăng xuất"):
        # The sidebar menu is JSON inside the page, with non-ASCII letters escaped.
        assert text in content or json.dumps(text)[1:-1] in content


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_shown_day_month_year(language):
    with translation.override(language):
        assert formats.date_format(dt.date(2026, 4, 21), "SHORT_DATE_FORMAT") == "21/04/2026"
        assert formats.date_format(dt.date(2026, 4, 21)) == "21/04/2026"


def test_time_zone_is_ha_tinh(settings):
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"


def run_settings(env: dict) -> subprocess.CompletedProcess:
    code = "import django, os; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "portal.settings.production", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_settings({"ALLOWED_HOSTS": "hoctap.hatinh.gov.vn"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_settings({"SECRET_KEY": "x" * 50})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_when_configured():
    result = run_settings({"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "hoctap.hatinh.gov.vn"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_home_heading_is_in_the_language_of_the_page(client, db):
    assert "<h1>Học tập suốt đời Hà Tĩnh</h1>" in client.get("/").content.decode()
    english = client.get("/en/").content.decode()
    assert "<h1>Hà Tĩnh lifelong learning</h1>" in english
