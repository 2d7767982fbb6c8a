"""`/nhung/<code>/` (English `/en/nhung/<code>/`): the embeddable widget, an institution's coming sessions
for its own website (SPEC §12).

The only pages any site may frame: `frame-ancestors *` and no X-Frame-Options, on its errors too, so
that a webmaster who mistypes a parameter reads why inside the frame. It sets no cookie (no form, no
message, no session or user read) and loads only its own stylesheet, so visitors of the framing site
are not tracked by the portal; its links open in a new tab, as the portal's pages may not be framed.
"""

from __future__ import annotations

from csp.decorators import csp_replace
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from core.public_cache import cache_publicly
from institutions.models import InstitutionPage

from .widget import MAX_LIMIT, parse_limit, widget_filterset, widget_sessions, widget_title

FRAMED_BY_ANY_SITE = {"frame-ancestors": ["*"]}


def bad_request(lines: list[str]) -> HttpResponse:
    return HttpResponse("\n".join(lines), status=400, content_type="text/plain; charset=utf-8")


@require_safe
@xframe_options_exempt
@csp_replace(FRAMED_BY_ANY_SITE)
def widget(request, code: str):
    institution = InstitutionPage.objects.live().filter(code=code).first()
    if institution is None:
        message = _("No institution has the code “%(code)s”.") % {"code": code[:40]}
        return render(request, "events/widget.html", {"not_found": message}, status=404)

    errors = []
    limit = parse_limit(request.GET.get("limit"))
    if limit is None:
        errors.append("limit: " + _("Give a whole number from 1 to %(max)d.") % {"max": MAX_LIMIT})
    filterset = widget_filterset(institution, request.GET)
    if not filterset.is_valid():
        errors += [f"{field}: {' '.join(messages)}" for field, messages in filterset.errors.items()]
    if errors:
        return bad_request(errors)

    context = {
        "institution": institution,
        "title": widget_title(institution),
        "sessions": widget_sessions(institution, filterset, limit, request),
        "institution_url": request.build_absolute_uri(institution.get_url(request)),
    }
    response = render(request, "events/widget.html", context)
    return cache_publicly(response, settings.PUBLIC_CACHE_SECONDS)
