"""JSON answers of the public APIs: escaped JSON, errors as `{"errors": …}`, and paging (SPEC §6)."""

import json

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from .public_cache import cache_publicly


def json_response(data, status: int = 200) -> HttpResponse:
    """JSON with <, > and & escaped, so text from editors cannot become markup wherever it is pasted."""
    text = json.dumps(data, ensure_ascii=False, cls=DjangoJSONEncoder)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return HttpResponse(text, status=status, content_type="application/json; charset=utf-8")


def bad_request(errors: dict) -> HttpResponse:
    return json_response({"errors": errors}, status=400)


def positive_int(value: str | None, default: int) -> int | None:
    """A positive integer parameter, `default` when absent, None when malformed."""
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        return None
    return number if number >= 1 else None


class CappedPaginator(Paginator):
    """Counts at most `cap` matches past the page asked for: "more than 1,000 sessions" is what a client
    needs to page through them, and counting a year of the province's sessions exactly would read every
    one of them for each page. `exact` says whether `count` is the number of matches or a lower bound."""

    def __init__(self, object_list, per_page, cap: int, number: int):
        super().__init__(object_list, per_page)
        self.limit = max(cap, number * per_page) + 1  # one more than shown: is there more?

    @cached_property
    def matches(self) -> int:
        return self.object_list.values("pk")[: self.limit].count()  # no column but the key read

    @property
    def exact(self) -> bool:
        return self.matches < self.limit

    @cached_property
    def count(self) -> int:
        return self.matches if self.exact else self.limit - 1

    @cached_property
    def num_pages(self) -> int:
        """A page more when there are more matches than counted: the last page counted has a next."""
        return super().num_pages + (0 if self.exact else 1)


def paginated_json(
    request,
    filterset_class,
    queryset,
    serialise=None,
    *,
    serialise_page=None,
    default_size: int,
    max_size: int,
    count_cap: int | None = None,
):
    """`{"count", "next", "previous", "results"}` of a filtered queryset, or 400 with the reasons.

    The JSON APIs share this: `page` and `page_size` checked, the filters validated, links absolute.
    Each result is `serialise(item, request)`, or the page's are `serialise_page(queryset, request)`.
    With `count_cap`, the answer says `"count_exact": false` when there are more than `count` matches
    (at least `count_cap`, and the pages up to the one asked for), instead of counting them all.
    """
    page_size = positive_int(request.GET.get("page_size"), default_size)
    if page_size is None or page_size > max_size:
        return bad_request({"page_size": [_("Give a whole number from 1 to %(max)d.") % {"max": max_size}]})
    page_number = positive_int(request.GET.get("page"), 1)
    if page_number is None:
        return bad_request({"page": [_("Give a whole number from 1.")]})
    filterset = filterset_class(request.GET, queryset=queryset)
    if not filterset.is_valid():
        return bad_request(filterset.errors.get_json_data())

    if count_cap is None:
        paginator = Paginator(filterset.qs, page_size)
    else:
        paginator = CappedPaginator(filterset.qs, page_size, count_cap, page_number)
    try:
        page = paginator.page(page_number)
    except EmptyPage:
        if paginator.count:
            return bad_request({"page": [_("There are only %(n)d pages.") % {"n": paginator.num_pages}]})
        page = paginator.page(1)

    def page_link(number: int) -> str:
        params = request.GET.copy()
        params["page"] = number
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    data = {"count": paginator.count}
    if count_cap is not None:
        data["count_exact"] = paginator.exact
    data.update(
        {
            "next": page_link(page.next_page_number()) if page.has_next() else None,
            "previous": page_link(page.previous_page_number()) if page.has_previous() else None,
            "results": (
                serialise_page(page.object_list, request)
                if serialise_page
                else [serialise(item, request) for item in page.object_list]
            ),
        }
    )
    return cache_publicly(json_response(data), settings.PUBLIC_CACHE_SECONDS)
