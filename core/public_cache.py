"""Caching of the public pages that are the same for every visitor: the listing, the directory, the
feeds and the public APIs.

A view opts in with `cache_publicly(response, seconds)`. `PublicCacheMiddleware` then keeps the
response in Django's cache for requests without a session or messages cookie (never for a logged-in
editor, so drafts and previews are never cached) and answers the next such request for the same
address, language and content version before the rest of the stack runs (it is the first middleware:
a cached page costs less than a bare Django view), with 304 when the client
already has it. Publishing, unpublishing, moving or deleting a page, a change of the stored sessions
and a change of the snippets these pages show move the content version on, so the next request
renders afresh.

The key is made of the query parameters the cached views read (`register_filterset`,
`register_parameters`), in a canonical order: a parameter no view reads changes nothing in a response,
so a query with one is answered from the entry of the same query without it and never stored, and
nobody can fill the server's memory with entries by adding junk to an address. A response larger
than `PUBLIC_CACHE_LOCAL_MAX_BYTES` is not kept in a process's local memory.

The menu, the breadcrumbs and each host's site and home page are kept under a version of their own
(`structure_version`), which an event's publication leaves as it was.

The responses and the pieces of pages kept as written live in the `pages` cache, the versions in
`default`, which nothing else fills: however many entries a request stores, it cannot push the
versions out (that would make every public page render afresh), and each event's VEVENTs have a
cache of their own (`events.ical`).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import django_filters
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import parse_http_date_safe, urlencode
from django.utils.translation import get_language_from_request
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

PAGES = "pages"
VERSION_KEY = "portal:content-version"
CHOICES_VERSION_KEY = "portal:choices-version"
STRUCTURE_VERSION_KEY = "portal:structure-version"
ATTRIBUTE = "portal_public_cache_seconds"
FRESH_PARTS_ATTRIBUTE = "portal_public_cache_fresh_parts"


# What the filter forms offer: a change of these also forgets the forms kept as written.
CHOICE_MODELS = {
    "events.campaign",
    "events.topic",
    "events.audience",
    "institutions.administrativeunit",
}
# What the cached pages show besides pages: a change of these forgets them.
SHOWN_MODELS = {
    "events.session",
    "events.campaign",
    "events.topic",
    "events.audience",
    "institutions.administrativeunit",
    "institutions.openinghours",
    "institutions.closure",
    "institutions.commendation",
    # A restriction added to a page (or its section) must hide what was kept of it at once.
    "wagtailcore.pageviewrestriction",
    "wagtailcore.site",  # a host answered by another site
}


def page_cache():
    """Where public responses and the pieces of pages kept as written are stored."""
    return caches[PAGES]


def fresh_version() -> int:
    """A version for a counter that is missing (first use, or evicted by a full cache): a random
    56-bit number, not 1, so that no page kept under an earlier version can come back."""
    return secrets.randbits(56)


def current(key: str) -> int:
    version = cache.get(key)
    if version is None:
        version = fresh_version()
        cache.add(key, version, timeout=None)
        version = cache.get(key, version)
    return version


def move_on(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not set yet, or evicted
        cache.set(key, fresh_version(), timeout=None)


def content_version() -> int:
    return current(VERSION_KEY)


def content_changed(**_kwargs) -> None:
    """Forget every cached public page (also a signal receiver)."""
    move_on(VERSION_KEY)


def cache_publicly(response: HttpResponse, seconds: int, fresh_parts: str = "") -> HttpResponse:
    """Mark `response` to be kept for `seconds`. `fresh_parts` names a filler (`register_fresh_parts`)
    that writes some parts of the kept page again for every request that gets it from the cache."""
    setattr(response, ATTRIBUTE, seconds)
    if fresh_parts:
        if fresh_parts not in FRESH_PARTS:
            raise ValueError(f"No filler of fresh parts is registered as {fresh_parts!r}.")
        setattr(response, FRESH_PARTS_ATTRIBUTE, fresh_parts)
    return response


def nothing_kept(_request: HttpRequest, _content: bytes) -> None:
    return None


@dataclass(frozen=True)
class FreshParts:
    """Writes the parts of a kept page that must be true at each request (an event's seats left).

    `keep(request, content)` is called once, when the page is stored: what the parts are made of that
    only a change of content can change (it is kept beside the page, under the same content version);
    `fill(request, content, kept)` at every request answered from the cache: the content to send."""

    fill: Callable[[HttpRequest, bytes, object], bytes]
    keep: Callable[[HttpRequest, bytes], object] = nothing_kept


# The fillers, by the name a view gives `cache_publicly`.
FRESH_PARTS: dict[str, FreshParts] = {}


def register_fresh_parts(name: str, fill, keep=nothing_kept) -> None:
    FRESH_PARTS[name] = FreshParts(fill, keep)


def is_anonymous(request) -> bool:
    """No cookie that could make the page differ: no session (so not logged in) and no message."""
    cookies = request.COOKIES
    message_cookie = getattr(settings, "MESSAGE_COOKIE_NAME", "messages")
    return settings.SESSION_COOKIE_NAME not in cookies and message_cookie not in cookies


# The query parameters the cached views read: name -> whether it may repeat (kind=class&kind=club).
PARAMETERS: dict[str, bool] = {}


def register_parameters(*names: str, repeating: bool = False) -> None:
    for name in names:
        PARAMETERS[name] = repeating


def register_filterset(filterset_class, rename=lambda name: name) -> None:
    """Register every parameter of a FilterSet; `rename` maps a filter's name to its parameter."""
    for name, declared in filterset_class.base_filters.items():
        repeating = isinstance(declared, django_filters.MultipleChoiceFilter)
        register_parameters(rename(name), repeating=repeating)


def canonical_query(query) -> tuple[str, bool]:
    """The query as the cached views read it, and whether the request asked exactly that (no parameter
    that no view reads, no second value of a parameter that takes one). Repeating parameters are
    sorted and each value kept once; for the others, the last value is the one Django's `get` reads."""
    items, exact = [], True
    for name in sorted(query):
        values = query.getlist(name)
        if name not in PARAMETERS:
            exact = False
            continue
        if PARAMETERS[name]:
            values = sorted(set(values))
        elif len(values) > 1:
            exact, values = False, values[-1:]
        items.extend((name, value) for value in values)
    return urlencode(items), exact


def cache_key(request, query: str) -> str:
    """The entry of a request, whose query as the views read it is `query` (`canonical_query`)."""
    language = get_language_from_request(request, check_path=True)
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}|{language}"
    # Entries are (content, headers, fresh parts: None or (filler's name, what it kept)); "public" ones
    # had two items, "public2" ones a name alone.
    return f"public3:{content_version()}:{hashlib.sha256(address.encode()).hexdigest()}"


def fits_the_cache(content: bytes) -> bool:
    """Local memory is each process's own: a large response (a whole calendar) is not kept there."""
    local = isinstance(page_cache(), LocMemCache)
    return not local or len(content) <= settings.PUBLIC_CACHE_LOCAL_MAX_BYTES


class PublicCacheMiddleware:
    """Serve and store the responses that views marked with `cache_publicly`."""

    def __init__(self, get_response):
        self.get_response = get_response
        # Static files are whitenoise's, after this middleware: no lookup in the cache for them.
        self.static_prefix = settings.STATIC_URL or "/static/"

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or request.path_info.startswith(self.static_prefix)
            or not is_anonymous(request)
        ):
            return self.get_response(request)
        query, exact = canonical_query(request.GET)
        key = cache_key(request, query)
        stored = page_cache().get(key)
        if stored is not None:
            content, headers, fresh_parts = stored
            if fresh_parts:
                return self.answer_with_fresh_parts(request, content, headers, *fresh_parts)
            return self.answer(request, content, headers)
        response = self.get_response(request)
        seconds = getattr(response, ATTRIBUTE, None)
        if (
            seconds
            and request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and exact
            and fits_the_cache(response.content)
        ):
            headers = [(name, value) for name, value in response.items() if name.lower() != "set-cookie"]
            fresh_parts = None
            if name := getattr(response, FRESH_PARTS_ATTRIBUTE, ""):
                fresh_parts = (name, FRESH_PARTS[name].keep(request, response.content))
            page_cache().set(key, (response.content, headers, fresh_parts), timeout=seconds)
        return response

    @staticmethod
    def answer_with_fresh_parts(request, content: bytes, headers, name: str, kept) -> HttpResponse:
        """The kept page with its fresh parts written again: no 304 (the page is not the one kept),
        and its own length."""
        response = HttpResponse(FRESH_PARTS[name].fill(request, content, kept))
        for name, value in headers:
            if name.lower() not in ("content-length", "etag", "last-modified"):
                response[name] = value
        if any(name.lower() == "content-length" for name, _value in headers):
            response["Content-Length"] = str(len(response.content))
        return response

    @staticmethod
    def answer(request, content: bytes, headers: list[tuple[str, str]]) -> HttpResponse:
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        etag = response.get("ETag")
        last_modified = parse_http_date_safe(response.get("Last-Modified", ""))
        if etag or last_modified:  # 304 when the client has it already
            return get_conditional_response(
                request, etag=etag, last_modified=last_modified, response=response
            )
        return response


def choices_version() -> int:
    """Moves on only when what the filter forms offer changes (units, topics, campaigns, audiences):
    a publication leaves the forms as they were, so they are kept as written across publications."""
    return current(CHOICES_VERSION_KEY)


FILTER_FORM_SECONDS = 3600


def filter_form_cache(request) -> dict:
    """What the templates need to keep a filter form as written: the key besides the address and
    language (the choices, and the day, as the area menu offers the units in force on it) and how
    long. An editor's preview is never kept, nor served what the public was."""
    preview = bool(getattr(request, "is_preview", False))
    query, _exact = canonical_query(request.GET)  # a form shows only what the filters read
    return {
        "filter_form_version": f"{choices_version()}:{timezone.localdate():%Y%m%d}:{int(preview)}",
        "filter_form_seconds": 0 if preview else FILTER_FORM_SECONDS,
        "filter_form_query": f"{request.path}?{query}" if query else request.path,
    }


def structure_version() -> int:
    """Moves on only when the top of the page tree or a page with pages below it changes (their
    titles and addresses are the menu's and every breadcrumb's), a page moves, or a site changes: an
    event's publication leaves the menu and the breadcrumbs kept as they were."""
    return current(STRUCTURE_VERSION_KEY)


def structure_changed(**_kwargs) -> None:
    move_on(STRUCTURE_VERSION_KEY)


def shapes_the_tree(instance) -> bool:
    """A site, a site's home or section (depth 3 or less), a page with children, an alias or a view
    restriction: what the menu, the breadcrumbs and the routing to a page read besides the page itself."""
    if isinstance(instance, (Site, PageViewRestriction)):
        return True
    return isinstance(instance, Page) and (
        instance.depth is None
        or instance.depth <= 3
        or instance.numchild > 0
        or instance.alias_of_id is not None
    )


def model_changed(sender, instance=None, **_kwargs) -> None:
    if sender._meta.label_lower in SHOWN_MODELS or isinstance(instance, Page):
        content_changed()
    if sender._meta.label_lower in CHOICE_MODELS:
        move_on(CHOICES_VERSION_KEY)
    if shapes_the_tree(instance):
        structure_changed()


def connect_signals() -> None:
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(content_changed, dispatch_uid=f"public_cache_{id(signal)}")
    post_page_move.connect(structure_changed, dispatch_uid="public_cache_structure_move")
    post_save.connect(model_changed, dispatch_uid="public_cache_save")
    post_delete.connect(model_changed, dispatch_uid="public_cache_delete")
