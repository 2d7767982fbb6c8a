from django import template
from django.urls import translate_url
from django.utils.translation import get_language

from core.public_cache import page_cache, structure_version
from core.text import number

BREADCRUMB_SECONDS = 24 * 60 * 60

register = template.Library()
register.filter("number", number)


@register.simple_tag(takes_context=True)
def translated_url(context, language_code: str) -> str:
    """The current page in another language (Vietnamese unprefixed, English under /en/)."""
    request = context["request"]
    return translate_url(request.get_full_path(), language_code)


@register.inclusion_tag("components/breadcrumbs.html", takes_context=True)
def breadcrumbs(context, page):
    """The page's ancestors below the root as (address, title, depth): kept in the cache, as only a
    change of a page with pages below it (or a move) can change them (`structure_version`)."""
    request = context["request"]
    if page.pk is None or getattr(request, "is_preview", False):
        return {"page": page, "ancestors": ancestors_of(page, request)}
    key = f"breadcrumbs:{structure_version()}:{page.pk}:{request.get_host()}:{get_language()}"
    ancestors = page_cache().get(key)
    if ancestors is None:
        ancestors = ancestors_of(page, request)
        page_cache().set(key, ancestors, timeout=BREADCRUMB_SECONDS)
    return {"page": page, "ancestors": ancestors}


def ancestors_of(page, request) -> list[tuple[str, str, int]]:
    return [
        (ancestor.get_url(request), ancestor.title, ancestor.depth)
        for ancestor in page.get_ancestors()
        if ancestor.depth > 1
    ]
