import datetime as dt
from zoneinfo import ZoneInfo

import factory
import wagtail_factories
from anyascii import anyascii
from django.utils.text import slugify

from events.models import EventPage
from tests.institutions.factories import InstitutionPageFactory

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


class EventPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = EventPage

    title = factory.Sequence(lambda n: f"Lớp học thử nghiệm {n}")
    slug = factory.LazyAttribute(lambda page: slugify(anyascii(page.title)))
    kind = "class"
    start = dt.datetime(2026, 12, 1, 8, 0, tzinfo=HANOI)
    end = factory.LazyAttribute(lambda page: page.start + dt.timedelta(hours=2))
    parent = factory.SubFactory(InstitutionPageFactory)
