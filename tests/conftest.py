import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation
from wagtail.models import Page

from institutions.models import InstitutionIndexPage


@pytest.fixture
def directory(db) -> InstitutionIndexPage:
    """The directory page the migrations create."""
    return InstitutionIndexPage.objects.get()


@pytest.fixture
def home(db) -> Page:
    return Page.objects.get(depth=2).specific


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("staff", "staff@example.com", "password")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(autouse=True)
def vietnamese_by_default():
    """Each test starts in Vietnamese, as a request to an unprefixed URL does.

    The test client leaves the last request's language active; without this, an English request
    would change the URLs later code builds.
    """
    translation.activate("vi")
    yield
    translation.activate("vi")


NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture
def frozen_now():
    """Wednesday 25/11/2026, 09:00 in Hà Tĩnh, for everything about "upcoming" and "this week"."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the database is rolled back between tests, the cache not."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    yield
    for cache in caches.all():
        cache.clear()
