"""JSON answers of the public APIs: escaped JSON, errors as `{"errors": …}`, and paging (SPEC §6)."""

import json

from django.conf import settings
from django.core.paginator import EmptyPage, Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
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


def paginated_json(request, filterset_class, queryset, serialise, *, default_size: int, max_size: int):
    """`{"count", "next", "previous", "results"}` of a filtered queryset, or 400 with the reasons.

    The JSON APIs share this: `page` and `page_size` checked, the filters validated, links absolute.
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

    paginator = Paginator(filterset.qs, page_size)
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

    return cache_publicly(
        json_response(
            {
                "count": paginator.count,
                "next": page_link(page.next_page_number()) if page.has_next() else None,
                "previous": page_link(page.previous_page_number()) if page.has_previous() else None,
                "results": [serialise(item, request) for item in page.object_list],
            }
        ),
        settings.PUBLIC_CACHE_SECONDS,
    )
