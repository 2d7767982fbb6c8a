"""Self check-in without a ticket (SPEC §9): the event's poster and the link its QR code opens.

The poster (`<event-url>ap-phich/`, for the institution's staff to print) carries a signed link to the
event (`/diem-danh/<signed>/`, Django's signing: nothing in it opens anything but this page). The link
counts only while one of the event's sessions is on — from 30 minutes before its start to its end; a
session of several days while its institution is open — and only on POST (a link previewer or a
scanner that opens it counts nothing). A phone counts once per session (a random id in a signed cookie,
unique per session in the database: two taps count once), an address at most `CHECK_IN_RATE_LIMIT`
times; no personal data is asked.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from wagtail.models import Site

from core.links import site_url
from core.rate_limit import over_limit
from institutions.roles import may_see_personal_data

from . import tallies
from .checking_in import lock_session
from .choices import SessionStatus
from .models import CheckIn, CheckInKind, EventPage, Session
from .tickets import qr_svg

SALT = "events.self-check-in"
EARLY = dt.timedelta(minutes=30)


def self_check_in_url(event: EventPage, request=None) -> str:
    """The poster's link, on the address the poster was opened at (else the default site's)."""
    return site_url(reverse("self-check-in", args=[signing.dumps(event.pk, salt=SALT)]), request)


def poster_view(request, path: str):
    """`<event-url>ap-phich/`: the A4 poster to print and pin at the venue (the event, its place, the QR
    code). The event is found by Wagtail's own routing of the path before `ap-phich/`."""
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    found = site.root_page.specific.route(request, [part for part in path.split("/") if part])
    event = found.page.specific if found else None
    if not isinstance(event, EventPage) or not event.live:
        raise Http404
    # For the institution's staff to print: its link counts people, so it is not handed to everyone.
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), login_url=reverse("wagtailadmin_login"))
    if not may_see_personal_data(request.user, event.get_parent().pk):
        raise PermissionDenied
    url = self_check_in_url(event, request)
    context = {"page": event, "event": event, "institution": event.institution, "qr": qr_svg(url), "url": url}
    return TemplateResponse(request, "events/poster.html", context)


def session_on(event: EventPage, now: dt.datetime) -> Session | None:
    """The event's session that people can check in to now, if any."""
    candidates = (
        event.sessions.filter(in_schedule=True, start__lte=now + EARLY, end__gt=now)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("start")
    )
    for session in candidates:
        if not session.spans_days or session.institution.is_open(now):
            return session
    return None


DEVICE_COOKIE = "diem-danh-thiet-bi"


def device_of(request) -> str:
    """The phone's id from its signed cookie, or a new one (set on the answer)."""
    return request.get_signed_cookie(DEVICE_COOKIE, default="", salt=SALT) or secrets.token_hex(16)


@never_cache
@require_http_methods(["GET", "POST"])
def self_check_in_view(request, code: str):
    try:
        event_id = int(signing.loads(code, salt=SALT))
    except (signing.BadSignature, TypeError, ValueError):
        raise Http404 from None
    event = EventPage.objects.live().filter(pk=event_id).first()
    if event is None:
        raise Http404
    now = timezone.now()
    session = session_on(event, now)
    context = {"event": event, "session": session}
    if session is None:
        context["next_session"] = (
            event.sessions.filter(in_schedule=True, start__gt=now)
            .exclude(status=SessionStatus.CANCELLED)
            .order_by("start")
            .first()
        )
        status = 409 if request.method == "POST" else 200
        return TemplateResponse(request, "events/self_check_in.html", context, status=status)
    device = device_of(request)
    earlier = CheckIn.objects.filter(session=session, device=device).first()
    status = 200
    if earlier is not None:
        context["earlier"] = f"{timezone.localtime(earlier.at):%H:%M}"
    elif request.method == "POST":
        if over_limit(request, "self-check-in", settings.CHECK_IN_RATE_LIMIT):
            context["too_many"], status = True, 429
        else:
            context.update(self_check_in(session, device, now))
    response = TemplateResponse(request, "events/self_check_in.html", context, status=status)
    response.set_signed_cookie(
        DEVICE_COOKIE,
        device,
        salt=SALT,
        max_age=365 * 24 * 60 * 60,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response


def self_check_in(session: Session, device: str, now: dt.datetime) -> dict:
    """Count the phone once, with the session's row locked; a second tap in flight finds the first."""
    try:
        with transaction.atomic():
            lock_session(session)
            CheckIn.objects.create(session=session, kind=CheckInKind.SELF, people=1, at=now, device=device)
            Session.objects.filter(pk=session.pk).update(checked_in=F("checked_in") + 1)
            tallies.changed([session.event_id])
    except IntegrityError:
        earlier = CheckIn.objects.get(session=session, device=device)
        return {"earlier": f"{timezone.localtime(earlier.at):%H:%M}"}
    return {"checked_now": f"{timezone.localtime(now):%H:%M}"}
