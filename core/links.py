"""Links to pages known only by their `url_path`, as Wagtail itself would make them."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from django.utils.http import RFC3986_SUBDELIMS
from wagtail.models import Page


class PageLink:
    """Just enough of a page for Wagtail's own `get_url()`, which needs only its `url_path`.

    Lists and feeds link to hundreds of pages, and building a Wagtail page model for each costs more
    than the rest of its row. Borrowing Wagtail's methods keeps every rule of theirs (sites, the
    language prefix, `WAGTAIL_APPEND_SLASH`, relative links on the request's site).
    """

    __slots__ = ("url_path", "_wagtail_cached_site_root_paths")

    _get_site_root_paths = Page._get_site_root_paths
    _get_relevant_site_root_paths = Page._get_relevant_site_root_paths
    get_url_parts = Page.get_url_parts
    get_url = Page.get_url
    get_full_url = Page.get_full_url

    def __init__(self, url_path: str):
        self.url_path = url_path


def page_urls(url_paths: Iterable[str], request=None) -> dict[str, str | None]:
    """The links of many pages (by `url_path`), each the one Wagtail's `get_url` gives.

    Wagtail reverses its `wagtail_serve` route for each page, which over the hundred events of a
    listing or an API page costs milliseconds. Below one site's root every link is the same beginning
    followed by the page's path, quoted as Django's `reverse` quotes it: here Wagtail makes the first
    link below each root, and the others take its beginning. A page under more than one root, or a
    first link that does not end with its page's path, is left to Wagtail.
    """
    links: dict[str, str | None] = {}
    beginnings: dict[tuple, str | None] = {}  # the roots a page is under → its links' beginning
    site_root_paths = request if request is not None else _SiteRootPaths()
    for url_path in url_paths:
        link = PageLink(url_path)
        roots = link._get_relevant_site_root_paths(site_root_paths)
        if len(roots) != 1:
            links[url_path] = link.get_url(request)
            continue
        below = quote(url_path[len(roots[0].root_path) :], safe=RFC3986_SUBDELIMS + "/~:@")
        if roots not in beginnings:
            url = links[url_path] = link.get_url(request)
            fits = url is not None and url.endswith(below)
            beginnings[roots] = url[: len(url) - len(below)] if fits else None
        elif (beginning := beginnings[roots]) is not None:
            links[url_path] = beginning + below
        else:
            links[url_path] = link.get_url(request)
    return links


class _SiteRootPaths:
    """Where Wagtail keeps the sites' root paths for the links made without a request (once for all)."""


def site_url(path: str, request=None) -> str:
    """An absolute address: on the request's address when there is one, else on the site's public address
    (`WAGTAILADMIN_BASE_URL`: https://… in production) for links sent away from a request (mail)."""
    if request is not None:
        return request.build_absolute_uri(path)
    from django.conf import settings

    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def absolute(url: str) -> str:
    """A page's link as Wagtail gives it (relative on a single site), made absolute for mail."""
    return url if "://" in url else site_url(url)
