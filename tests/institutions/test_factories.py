import pytest

from institutions.models import InstitutionIndexPage

from .factories import (
    ClosureFactory,
    CommendationFactory,
    InstitutionPageFactory,
    OpeningHoursFactory,
    ServiceRecordFactory,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "factory_class",
    [InstitutionPageFactory, OpeningHoursFactory, ClosureFactory, ServiceRecordFactory, CommendationFactory],
)
def test_factory_builds_a_saved_object(factory_class):
    instance = factory_class()
    assert instance.pk is not None


def test_institution_factory_puts_the_page_under_the_directory():
    page = InstitutionPageFactory()
    assert isinstance(page.get_parent().specific, InstitutionIndexPage)
    assert page.unit.code == "443"
