"""Links to pages known only by their `url_path`, as Wagtail itself would make them."""

from __future__ import annotations

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
