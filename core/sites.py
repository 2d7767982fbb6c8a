"""Each host's Wagtail site and home page, kept in the cache rather than read for every request.

Wagtail reads them from the database at the start of every page it serves (`Site.find_for_request`,
then the home page that routing starts from), and then the view restrictions on the page and its
ancestors. They change only when a site, the top of the page tree, a restriction or an alias does,
which moves the structure version on (`core.public_cache.structure_version`).
"""

from __future__ import annotations

from django.utils.http import urlencode
from wagtail.models import Page, PageViewRestriction, Site

from .public_cache import page_cache, structure_version

SITE_SECONDS = 24 * 60 * 60


def site_key(request) -> str:
    host = urlencode({"host": request._get_raw_host(), "port": request.get_port()})
    return f"site:{structure_version()}:{host}"


def known_site(request) -> Site | None:
    """The request's site with its home page, as `Site.find_for_request` finds it."""
    key = site_key(request)
    stored = page_cache().get(key)
    if stored is not None:
        return stored or None  # False: no site answers this host
    site = Site.find_for_request(request)
    if site is not None:
        site.root_page.localized.specific  # noqa: B018 (read now, kept with the site: routing starts there)
    page_cache().set(key, site or False, timeout=SITE_SECONDS)
    return site


class KnownSiteMiddleware:
    """Give Wagtail the request's site (`request._wagtail_site`, where it looks first) from the cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._wagtail_site = known_site(request)
        return self.get_response(request)


RESTRICTIONS_SECONDS = 24 * 60 * 60


def restricted_paths() -> dict[str, frozenset[str]]:
    """The tree paths of the pages with a view restriction, and of the alias pages (whose restrictions
    are their source's): kept under the structure version, which a change of either moves on."""
    key = f"view-restrictions:{structure_version()}"
    paths = page_cache().get(key)
    if paths is None:
        paths = {
            "restricted": frozenset(PageViewRestriction.objects.values_list("page__path", flat=True)),
            "aliases": frozenset(Page.objects.filter(alias_of__isnull=False).values_list("path", flat=True)),
        }
        page_cache().set(key, paths, timeout=RESTRICTIONS_SECONDS)
    return paths


class KnownViewRestrictions:
    """For page models: Wagtail asks every page it serves for the view restrictions on it and its
    ancestors (two queries); almost none has any, which the cached paths say without a query."""

    def get_view_restrictions(self):
        paths = restricted_paths()
        own = {self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)}
        if (
            self.alias_of_id
            or not paths["restricted"].isdisjoint(own)
            or not paths["aliases"].isdisjoint(own)
        ):
            return super().get_view_restrictions()
        return PageViewRestriction.objects.none()
