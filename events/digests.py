"""The weekly digest (SPEC §11): on Monday at 06:00 Hà Tĩnh time, each running subscription gets the coming
seven days' sessions that match its filters, grouped by day; nothing when nothing matches.

`manage.py send_digests` marks the due subscriptions as sent for the week and queues one task per set of
identical filters and language (in chunks): the task reads that set's sessions once and renders them
once, whatever the number of subscribers who share it, then writes each subscriber's message around
them (only the links to their own page differ). The number of queries grows with the sets of filters,
never with the subscribers.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict, defaultdict
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from core.links import PageLink, absolute, site_url

from .choices import SessionStatus
from .filters import SessionFilter
from .mailing import Outgoing, unsubscribe_headers
from .models import EventIndexPage, MailKind, Session, Subscription, local_midnight
from .subscribing import describe_filters, manage_token

DIGEST_TIME = dt.time(6, 0)
DIGEST_DAYS = 7
DIGEST_SHOWN = 60  # sessions in one digest; the rest are a link away
CHUNK = 500  # subscribers in one task


def week_of(day: dt.date) -> dt.date:
    """The Monday of the day's week: a subscription gets one digest a week, whichever day it runs."""
    return day - dt.timedelta(days=day.weekday())


def digest_due_now(now: dt.datetime | None = None) -> dt.date | None:
    """Today, when it is Monday from 06:00 (local time); else None."""
    now = timezone.localtime(now or timezone.now())
    return now.date() if now.weekday() == 0 and now.time() >= DIGEST_TIME else None


def take_due(day: dt.date) -> dict[tuple[str, str], list[int]]:
    """Mark the running subscriptions not yet sent this week's digest as sent, and return them grouped by
    (filters, language). Marked first, in one transaction: a second run finds nothing to send, and a
    message that fails is tried again by its task, not by sending the whole week again."""
    week = week_of(day)
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    with transaction.atomic():
        # Not sent this week's yet (a run for another week, even a later one, does not count).
        due = Subscription.objects.running().filter(Q(digest_week__isnull=True) | ~Q(digest_week=week))
        rows = list(due.select_for_update(skip_locked=True).values_list("pk", "filters", "language"))
        for pk, filters, language in rows:
            groups[(filters, language)].append(pk)
        ids = [row[0] for row in rows]
        for start in range(0, len(ids), 5000):
            Subscription.objects.filter(pk__in=ids[start : start + 5000]).update(digest_week=week)
    return groups


def digest_sessions(filters: str, day: dt.date) -> tuple[list, int]:
    """The coming seven days' sessions matching the filters (up to `DIGEST_SHOWN`), and how many match."""
    filterset = SessionFilter(QueryDict(filters), queryset=Session.objects.for_listing())
    if not filterset.is_valid():  # a value that is no longer offered (a topic deleted): nothing matches
        return [], 0
    matching = (
        filterset.qs.exclude(status=SessionStatus.CANCELLED)
        .filter(start__gte=local_midnight(day), start__lt=local_midnight(day, DIGEST_DAYS))
        .order_by("start", "pk")
    )
    ids = list(matching.values_list("pk", flat=True)[: DIGEST_SHOWN + 1])
    if not ids:
        return [], 0
    total = len(ids) if len(ids) <= DIGEST_SHOWN else matching.count()
    rows = {session.pk: session for session in Session.objects.filter(pk__in=ids[:DIGEST_SHOWN]).listed()}
    return [rows[pk] for pk in ids[:DIGEST_SHOWN] if pk in rows], total


def localised(url: str, language: str) -> str:
    """An absolute link to a public page in the subscriber's language (English under /en/)."""
    address = absolute(url)
    if language == settings.LANGUAGE_CODE:
        return address
    scheme, rest = address.split("://", 1)
    host, _slash, tail = rest.partition("/")
    return f"{scheme}://{host}/{language}/{tail}"


def by_day(sessions: list, language: str) -> OrderedDict:
    days: OrderedDict[dt.date, list] = OrderedDict()
    for session in sessions:
        link = localised(session.event.url, language) if session.event.url else ""
        days.setdefault(timezone.localtime(session.start).date(), []).append((session, link))
    return days


def listing_url(filters: str, day: dt.date, language: str) -> str:
    """The listing with the subscription's filters over the digest's seven days."""
    listing = EventIndexPage.objects.live().only("url_path").first()
    url = localised((PageLink(listing.url_path).get_url() if listing else None) or "/", language)
    last = day + dt.timedelta(days=DIGEST_DAYS - 1)
    query = "&".join(part for part in [filters, urlencode({"from": day, "to": last})] if part)
    return f"{url}?{query}"


def digest_messages(filters: str, language: str, day: dt.date, subscribers: list[tuple[int, str]]):
    """The group's messages, or none when nothing matches its filters this week."""
    sessions, total = digest_sessions(filters, day)
    if not sessions:
        return []
    with translation.override(language):
        context = {
            "days": by_day(sessions, language),
            "total": total,
            "more": total - len(sessions),
            "first": day,
            "last": day + dt.timedelta(days=DIGEST_DAYS - 1),
            "filters": describe_filters(filters),
            "listing_url": listing_url(filters, day, language),
        }
        # The sessions are written once for the whole group; only the links around them differ.
        context["sessions_text"] = render_to_string("events/mail/digest_sessions.txt", context)
        context["sessions_html"] = mark_safe(render_to_string("events/mail/digest_sessions.html", context))
        subject = " ".join(render_to_string("events/mail/digest_subject.txt", context).split())
        messages = []
        root = site_url("")  # the site's address, read once for the group
        for pk, email in subscribers:
            token = manage_token("s", pk)
            context["manage_url"] = root + reverse("subscription", args=[token])
            context["unsubscribe_url"] = root + reverse("subscription-end", args=[token])
            message = EmailMultiAlternatives(
                subject=subject,
                body=render_to_string("events/mail/digest.txt", context),
                to=[email],
                headers=unsubscribe_headers(context["unsubscribe_url"]),
            )
            message.attach_alternative(render_to_string("events/mail/digest.html", context), "text/html")
            messages.append(Outgoing(message, MailKind.DIGEST, pk))
    return messages
