"""One search for everything (`/tim-kiem/?q=`): the coming sessions and the institutions that match."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.public_cache import cache_publicly
from events.models import Session
from institutions.models import InstitutionPage

from .context_processors import navigation_links

SHOWN = 10
SHORTEST = 2
LONGEST = 200


@require_GET
def search(request):
    """Words of a title (and for institutions their address and code), accents and case ignored: "thu
    vien" finds "Thư viện". Each section shows its first ten with the count and a link to the whole list."""
    query = " ".join(request.GET.get("q", "").split())[:LONGEST]
    context = {"query": query}
    if not query:
        context["message"] = _("Type what you are looking for: a name, a place, a subject.")
    elif len(query) < SHORTEST:
        context["message"] = _("Type at least %(count)d letters.") % {"count": SHORTEST}
    else:
        links = navigation_links(request)
        sessions = (
            Session.objects.for_listing().not_cancelled().matching(query).coming().order_by("start", "pk")
        )
        institutions = InstitutionPage.objects.live().matching(query).order_by("sort_key", "pk")
        found = sessions.values_list("pk", flat=True)[:SHOWN]
        context.update(
            sessions=Session.objects.filter(pk__in=list(found)).order_by("start", "pk").listed(request),
            session_count=sessions.count(),
            institutions=list(institutions.select_related("unit")[:SHOWN]),
            institution_count=institutions.count(),
            calendar_link=f"{links['calendar']}?{urlencode({'q': query})}" if "calendar" in links else "",
            directory_link=f"{links['directory']}?{urlencode({'q': query})}" if "directory" in links else "",
        )
    return cache_publicly(render(request, "portal/search.html", context), settings.PUBLIC_CACHE_SECONDS)
