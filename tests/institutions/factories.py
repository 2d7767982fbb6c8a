import datetime as dt

import factory
import wagtail_factories
from anyascii import anyascii
from django.utils.text import slugify

from institutions.models import (
    AdministrativeUnit,
    Closure,
    Commendation,
    InstitutionIndexPage,
    InstitutionPage,
    OpeningHours,
    ServiceRecord,
)


class InstitutionPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = InstitutionPage

    title = factory.Sequence(lambda n: f"Thư viện thử nghiệm {n}")
    slug = factory.LazyAttribute(lambda page: slugify(anyascii(page.title)))
    code = factory.Sequence(lambda n: f"TEST-{n}")
    kind = "library"
    level = "district"
    sector = "public"
    unit = factory.LazyFunction(lambda: AdministrativeUnit.objects.for_code("443"))
    address = ""
    parent = factory.LazyFunction(lambda: InstitutionIndexPage.objects.get())


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    page = factory.SubFactory(InstitutionPageFactory)
    weekday = 0
    opens = dt.time(7, 30)
    closes = dt.time(11, 30)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    page = factory.SubFactory(InstitutionPageFactory)
    rule = Closure.Rule.MONTHLY
    nth = 1
    weekday = 0
    reason = "Ngày làm việc nội bộ"


class ServiceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceRecord

    institution = factory.SubFactory(InstitutionPageFactory)
    year = 2025
    lifelong_learning_services = True
    digital_transformation = False


class CommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commendation

    year = 2025
    title = factory.Sequence(lambda n: f"Bằng khen mô hình tiêu biểu {n}")
    decision_number = factory.Sequence(lambda n: f"{100 + n}/QĐ-UBND")
    institution = factory.SubFactory(InstitutionPageFactory)
