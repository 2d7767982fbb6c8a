"""`/nhap-lieu/`: the installable entry app for staff (SPEC §10), which works without a network.

The server gives four things: the app's page (a shell that the service worker keeps), its data (the
sessions of the person's institutions from 14 days back to 7 days ahead with their figures, and today's
door counts), the service worker (scope `/nhap-lieu/`, from this address so that its scope needs no extra
header) and the Web App Manifest. The app itself is `static/js/entry-app.js`; it sends what was typed to
`POST /api/v1/attendance` and `POST /api/v1/visits` (`events.entry_views`, `institutions.visit_entry`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from institutions.choices import VisitChannel, VisitPeriod, VisitPurpose
from institutions.models import VisitCount
from institutions.roles import has_institution_scope, institutions_for

from .entry_views import figures, version_of
from .models import Attendance, Session, local_midnight

DAYS_BACK, DAYS_AHEAD = 14, 7
# The app's words, given to its script in the page (translated like every other string).
WORDS = {
    "notBegun": _("Not held yet"),
    "save": _("Save"),
    "attendees": _("Attendees"),
    "children": _("Children"),
    "women": _("Women"),
    "disabled": _("People with disabilities"),
    "note": _("Note"),
    "visits": _("Learning visits today"),
    "otherVisits": _("Other visits today"),
    "onServer": _("On the server"),
    "waitingHere": _("Waiting on this phone"),
    "checkedIn": _("checked in"),
    "waiting": _("entries waiting to be sent"),
    "nothingWaiting": _("Nothing waiting: everything is sent."),
    "lastSent": _("Last sent"),
    "online": _("Online."),
    "offline": _("No network: what you type is kept on this phone and sent when the network returns."),
    "copyFrom": _("Figures as of"),
    "noCopy": _("Open this page once with the network to keep a copy on this phone."),
    "login": _("You are logged out: log in to the admin, then press Send now."),
    "conflict": _("Someone changed this figure meanwhile. Which one is right?"),
    "mine": _("Keep mine"),
    "theirs": _("Keep the server’s"),
    "refused": _("Not accepted"),
    "remove": _("Remove"),
    "noSessions": _("No sessions of your institutions from 14 days ago to 7 days ahead."),
}
# What the service worker keeps for the app to open offline (besides the page itself).
APP_FILES = [
    "css/site.css",
    "css/entry-app.css",
    "js/entry-app.js",
    "img/entry-app-192.png",
    "img/entry-app-512.png",
]


def staff_only(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=reverse("wagtailadmin_login"))
    if not has_institution_scope(request.user):
        raise PermissionDenied
    return None


@never_cache
def entry_app(request):
    if (refused := staff_only(request)) is not None:
        return refused
    get_token(request)  # the CSRF cookie, which the app sends back as X-CSRFToken
    context = {
        "user_name": request.user.get_username(),
        "words": {key: str(text) for key, text in WORDS.items()},
    }
    return TemplateResponse(request, "events/offline/app.html", context)


@never_cache
def entry_app_data(request):
    """The app's copy: the sessions and institutions the person enters figures for."""
    if (refused := staff_only(request)) is not None:
        return (
            JsonResponse({"errors": {"__all__": ["login"]}}, status=403)
            if refused.status_code == 302
            else refused
        )
    today = timezone.localdate()
    institutions = list(institutions_for(request.user).order_by("title").values("pk", "title"))
    ids = [institution["pk"] for institution in institutions]
    sessions = (
        Session.objects.filter(
            institution_id__in=ids,
            in_schedule=True,
            start__gte=local_midnight(today - dt.timedelta(days=DAYS_BACK)),
            start__lt=local_midnight(today, DAYS_AHEAD + 1),
        )
        .exclude(status="cancelled")
        .select_related("event")
        .order_by("start", "pk")[:1000]
    )
    records = {a.session_id: a for a in Attendance.objects.filter(session__in=[s.pk for s in sessions])}
    doors = {
        (count.institution_id, count.purpose): count.visits
        for count in VisitCount.objects.filter(
            institution_id__in=ids, date=today, period=VisitPeriod.DAY, channel=VisitChannel.ONSITE
        )
    }
    now = timezone.now()
    data = {
        "user": request.user.get_username(),
        "today": today.isoformat(),
        "made_at": now.isoformat(),
        "institutions": [
            {
                "id": institution["pk"],
                "title": institution["title"],
                "visits": {
                    purpose: doors.get((institution["pk"], purpose)) for purpose in VisitPurpose.values
                },
            }
            for institution in institutions
        ],
        "sessions": [
            {
                "id": session.pk,
                "title": session.event.title,
                "institution": session.institution_id,
                "start": timezone.localtime(session.start).isoformat(),
                "begun": session.start <= now,
                "checked_in": session.checked_in,
                "record": figures(records.get(session.pk)),
                "version": version_of(records.get(session.pk)),
            }
            for session in sessions
        ],
    }
    return JsonResponse(data)


def service_worker(request):
    files = [static(name) for name in APP_FILES]
    version = hashlib.sha256(json.dumps(files).encode()).hexdigest()[:12]
    body = render_to_string("events/offline/sw.js", {"files": json.dumps(files), "version": version})
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request):
    data = {
        "name": "Nhập liệu Học tập suốt đời Hà Tĩnh",
        "short_name": "Nhập liệu",
        "description": "Nhập số người tham dự và lượt khách, cả khi không có mạng.",
        "lang": "vi",
        "start_url": "/nhap-lieu/",
        "scope": "/nhap-lieu/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5d3b",
        "icons": [
            {"src": static("img/entry-app-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/entry-app-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")
    response["Cache-Control"] = "no-cache"
    return response
