import datetime as dt

import factory
import wagtail_factories
from anyascii import anyascii
from django.utils.text import slugify
from wagtail.rich_text import RichText

from portal.models import StoryPage
from tests.institutions.factories import InstitutionPageFactory


class StoryPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = StoryPage

    title = factory.Sequence(lambda n: f"Mô hình tốt số {n}")
    slug = factory.LazyAttribute(lambda page: slugify(anyascii(page.title)))
    date = dt.date(2026, 10, 1)
    intro = "Một câu lạc bộ đọc sách mà các nơi khác có thể học theo."
    body = factory.LazyFunction(lambda: [("paragraph", RichText("<p>Câu lạc bộ họp mỗi sáng thứ Bảy.</p>"))])
    parent = factory.SubFactory(InstitutionPageFactory)
