import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from institutions.models import ServiceRecord

from .factories import InstitutionPageFactory, ServiceRecordFactory

pytestmark = pytest.mark.django_db


def test_staff_add_a_service_record_in_the_admin_and_it_is_logged(admin_client):
    library = InstitutionPageFactory()
    response = admin_client.post(
        reverse("wagtailsnippets_institutions_servicerecord:add"),
        {
            "institution": library.pk,
            "year": 2025,
            "lifelong_learning_services": "on",
            "note": "Có CLB đọc sách",
        },
    )
    assert response.status_code == 302
    record = ServiceRecord.objects.get(institution=library, year=2025)
    assert record.lifelong_learning_services and not record.digital_transformation
    assert ModelLogEntry.objects.filter(object_id=str(record.pk), action="wagtail.create").exists()


def test_a_second_record_for_the_same_year_is_refused(admin_client):
    record = ServiceRecordFactory(year=2025)
    response = admin_client.post(
        reverse("wagtailsnippets_institutions_servicerecord:add"),
        {"institution": record.institution.pk, "year": 2025},
    )
    assert response.status_code == 200
    assert ServiceRecord.objects.count() == 1


def test_a_year_outside_the_plan_is_refused(admin_client):
    library = InstitutionPageFactory()
    response = admin_client.post(
        reverse("wagtailsnippets_institutions_servicerecord:add"), {"institution": library.pk, "year": 1900}
    )
    assert response.status_code == 200
    assert not ServiceRecord.objects.exists()


def test_service_records_are_listed_and_filtered_by_year(admin_client):
    ServiceRecordFactory(year=2024, institution=InstitutionPageFactory(title="Thư viện Hai Không Hai Bốn"))
    ServiceRecordFactory(year=2025, institution=InstitutionPageFactory(title="Thư viện Hai Không Hai Lăm"))
    response = admin_client.get(reverse("wagtailsnippets_institutions_servicerecord:list"), {"year": 2025})
    content = response.content.decode()
    assert "Hai Không Hai Lăm" in content
    assert "Hai Không Hai Bốn" not in content
