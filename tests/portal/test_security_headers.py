"""Production security headers (SPEC §8): CSP, HSTS, secure __Host- cookies, nosniff, referrer, frames."""

import pytest

from portal.settings import security as production

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_like(settings):
    settings.MIDDLEWARE = production.MIDDLEWARE
    settings.CONTENT_SECURITY_POLICY = production.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY_ADMIN = production.CONTENT_SECURITY_POLICY_ADMIN
    settings.SECURE_HSTS_SECONDS = production.SECURE_HSTS_SECONDS_DEFAULT
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks http; HSTS is sent on https only
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SESSION_COOKIE_NAME = production.SESSION_COOKIE_NAME
    settings.CSRF_COOKIE_NAME = production.CSRF_COOKIE_NAME
    return settings


def test_public_pages_have_a_strict_policy(client, production_like):
    response = client.get("/co-so/", secure=True)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self';" in policy or policy.endswith("script-src 'self'")
    assert "unsafe-inline" not in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "SAMEORIGIN"


SECURITY_HEADERS = [
    "Content-Security-Policy",
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "X-Frame-Options",
    "Cross-Origin-Opener-Policy",
]


def test_a_page_from_the_public_cache_keeps_every_security_header(client, production_like):
    """The public cache answers before every other middleware: what they add is kept with the page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get("/co-so/", secure=True)
    with CaptureQueriesContext(connection) as queries:
        cached = client.get("/co-so/", secure=True)
    assert len(queries) == 0  # from the cache
    for header in SECURITY_HEADERS:
        assert cached[header] == first[header], header


def test_plain_http_is_redirected_even_when_the_page_is_cached(client, production_like):
    production_like.SECURE_SSL_REDIRECT = True
    assert client.get("/co-so/", secure=True).status_code == 200  # kept for https
    response = client.get("/co-so/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/co-so/"


def test_the_admin_gets_what_wagtail_needs(client, production_like):
    policy = client.get("/admin/login/", secure=True)["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "frame-src 'self'" in policy


def test_cookies_are_secure_and_host_only(client, production_like):
    response = client.get("/admin/login/", secure=True)
    cookie = response.cookies["__Host-csrftoken"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]


def test_svg_images_are_refused(admin_client):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from PIL import Image
    from wagtail.images import get_image_model

    def upload(name, content, content_type):
        file = SimpleUploadedFile(name, content, content_type)
        admin_client.post(reverse("wagtailimages:add"), {"title": name, "file": file, "collection": 1})

    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
    upload("x.svg", svg, "image/svg+xml")
    assert not get_image_model().objects.exists()
    png = io.BytesIO()
    Image.new("RGB", (2, 2)).save(png, "PNG")
    upload("x.png", png.getvalue(), "image/png")  # the same form takes a PNG
    assert get_image_model().objects.filter(title="x.png").exists()


def test_documents_are_served_through_wagtail(settings):
    assert settings.WAGTAILDOCS_SERVE_METHOD == "serve_view"
    assert "svg" not in settings.WAGTAILIMAGES_EXTENSIONS
