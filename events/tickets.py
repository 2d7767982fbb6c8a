"""A ticket's addresses, its QR code and its calendar file (SPEC §9).

The ticket's own link (`/ve/<token>/`) is the resident's: it shows the seats and cancels them. The QR
code on it encodes another link, for staff at the door (`/ve/quet/<signed id>/`): opening it logged in
finds the registration in its session's roster, and tells anyone else to show the code at the door. So a
photo of the code over someone's shoulder never gives away the cancel button.
"""

from __future__ import annotations

import datetime as dt

import segno
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation

from core.links import PageLink, site_url

from .ical import build_calendar, feed_events
from .models import Registration

SCAN_SALT = "events.ticket-scan"


def ticket_path(token: str, language: str | None = None) -> str:
    with translation.override(language or translation.get_language()):
        return reverse("ticket", args=[token])


def scan_code(registration: Registration) -> str:
    return signing.dumps(registration.pk, salt=SCAN_SALT, compress=True)


def registration_of_scan(code: str) -> int | None:
    try:
        return int(signing.loads(code, salt=SCAN_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def scan_url(registration: Registration, request=None) -> str:
    """The QR code's link, on the address the ticket was opened at (else the default site's)."""
    return site_url(reverse("ticket-scan", args=[scan_code(registration)]), request)


def qr_svg(url: str) -> str:
    """The QR code of `url` as an inline SVG element (no XML declaration), with a title for screen readers."""
    qr = segno.make(url, error="m")
    return qr.svg_inline(scale=5, border=2, dark="#000", light="#fff", svgclass="ticket-qr", lineclass=None)


def ticket_calendar(registration: Registration) -> bytes:
    """The registration's sessions as an iCalendar file (the ticket's download and the mail's attachment)."""
    sessions = list(registration.places.filter(in_schedule=True).order_by("original_start"))
    events = feed_events([registration.event_id], sessions)
    stamp = registration.created_at or timezone.now()
    calendar = build_calendar(
        registration.event.title,
        events,
        sessions,
        lambda event: PageLink(event.url_path).get_full_url(),
        stamp,
    )
    return calendar.to_ical()


def local(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M %d/%m/%Y}"
