import pytest
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
