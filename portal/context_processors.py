from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

from core.public_cache import page_cache, structure_version
from events.models import EventIndexPage
from institutions.models import InstitutionIndexPage

from .models import StoryIndexPage

NAVIGATION_CACHE_SECONDS = 24 * 60 * 60


def site_navigation(request):
    """The addresses of the directory, the calendar and the good models, for the header on every page."""
    return {"nav_links": SimpleLazyObject(lambda: navigation_links(request))}


def navigation_links(request) -> dict[str, str]:
    """Looked up when first needed, then kept in the cache: every page shows them, and only a change
    of the top of the page tree can move them, which moves the structure version on."""
    key = f"navigation:{structure_version()}:{request.get_host()}:{get_language()}"
    links = page_cache().get(key)
    if links is None:
        pages = {
            "directory": InstitutionIndexPage.objects.live().first(),
            "calendar": EventIndexPage.objects.live().first(),
            "stories": StoryIndexPage.objects.live().first(),
        }
        links = {name: page.get_url(request) for name, page in pages.items() if page is not None}
        page_cache().set(key, links, timeout=NAVIGATION_CACHE_SECONDS)
    return links


def map_tiles(request):
    """The tile server of the institution page's map and its attribution (settings MAP_TILE_URL and
    MAP_TILE_ATTRIBUTION); an empty address shows no map."""
    return {"map_tiles": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}}
