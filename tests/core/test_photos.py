"""Institutions and events carry a photo with a description, shown at the sizes used (core.photos)."""

import re

import pytest
import wagtail_factories
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.events.conftest import publish
from tests.events.factories import EventPageFactory
from tests.institutions.factories import InstitutionPageFactory

pytestmark = pytest.mark.django_db
ALT = "Trẻ em đọc sách bên bàn dài của thư viện"


@pytest.fixture
def photo():
    return wagtail_factories.ImageFactory(title="IMG_2041.jpg", file__width=1600, file__height=900)


def img_tags(html: str) -> list[str]:
    return re.findall(r"<img [^>]*>", html)


def test_a_photo_needs_its_description(photo):
    library = InstitutionPageFactory()
    library.image = photo
    with pytest.raises(ValidationError) as refused:
        library.full_clean()
    assert "image_alt" in refused.value.message_dict
    library.image_alt = ALT
    library.full_clean()


def test_the_event_page_shows_the_photo_in_sizes_with_its_description(client, photo, frozen_now):
    event = publish(EventPageFactory(image=photo, image_alt=ALT))
    (tag,) = [tag for tag in img_tags(client.get(event.url).content.decode()) if "lead-image" in tag]
    assert f'alt="{ALT}"' in tag and "IMG_2041" not in tag.split("src")[0]
    assert 'loading="lazy"' in tag and 'width="480"' in tag and 'height="200"' in tag
    widths = re.findall(r" (\d+)w", re.search(r'srcset="([^"]+)"', tag).group(1))
    assert widths == ["480", "960", "1440"] and 'sizes="' in tag


def test_cards_show_thumbnails_read_in_a_fixed_number_of_queries(client, photo, frozen_now, directory):
    def directory_queries():
        for cache in caches.all(initialized_only=True):
            cache.clear()  # the page as made, not as kept
        with CaptureQueriesContext(connection) as queries:
            response = client.get(directory.url)
        return response, len(queries)

    InstitutionPageFactory(parent=directory, image=photo, image_alt=ALT)
    client.get(directory.url)  # the renditions are made on the first view
    response, one = directory_queries()
    thumbnails = [tag for tag in img_tags(response.content.decode()) if "thumbnail" in tag]
    assert len(thumbnails) == 1 and f'alt="{ALT}"' in thumbnails[0] and 'loading="lazy"' in thumbnails[0]
    assert " 240w" in thumbnails[0] and 'width="120"' in thumbnails[0] and 'height="90"' in thumbnails[0]
    for _ in range(3):
        InstitutionPageFactory(parent=directory, image=photo, image_alt=ALT)
    response, four = directory_queries()
    assert len([tag for tag in img_tags(response.content.decode()) if "thumbnail" in tag]) == 4
    assert four == one


def test_listing_cards_show_the_event_photo(client, photo, frozen_now):
    publish(EventPageFactory(title="Đọc sách cùng bé", image=photo, image_alt=ALT))
    publish(EventPageFactory(title="Không ảnh"))
    page = client.get("/lich-hoat-dong/").content.decode()
    thumbnails = [tag for tag in img_tags(page) if "thumbnail" in tag]
    assert len(thumbnails) == 1 and f'alt="{ALT}"' in thumbnails[0]


def test_the_site_serves_images_but_not_documents_from_media(client, photo, settings):
    rendition = photo.get_rendition("fill-120x90")
    assert client.get(rendition.url).status_code == 200
    assert client.get("/media/documents/secret.pdf").status_code == 404
    assert client.get("/media/images/../../manage.py").status_code in (400, 404)
