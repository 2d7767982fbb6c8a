"""The parts of an event page that say what its sessions offer now (seats left, the register link), made
afresh for every visitor while the rest of the page comes from the public cache (SPEC §9, issue #23).

The page writes each part through `seats_part`, between two HTML comments that name the session and the
part's form; `fill` finds them in a kept copy of the page and writes each again from the session's
counters as they are now: one query for the page, whatever its number of sessions. A registration
changes only the counters of a session (`events.registering`), which move no content version, so
without this the page would show the seats of up to a minute ago.
"""

from __future__ import annotations

import html
import re
from types import SimpleNamespace

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_from_request, gettext, override

from .models import Session
from .seats import offer

PART = re.compile(rb"<!--seats:(\d+):(summary|row)-->.*?<!--/seats-->", re.DOTALL)


def seats_part(session, event, form: str, words: Words) -> SafeString:
    """What `session` offers now, between its markers: `summary` for the page's head (the next
    session's seats, and its register button), `row` for its line in the list of sessions."""
    html_ = words.part(session, event, form)
    return mark_safe(f"<!--seats:{session.pk}:{form}-->{html_}<!--/seats-->")


class Words:
    """The words and links of the parts in the active language, each translated or reversed once for
    the parts of a page."""

    def __init__(self):
        self.whole_course = " · " + html.escape(gettext("one registration for the whole course"))
        self.waitlist = html.escape(gettext("Join the waiting list"))
        self.course = html.escape(gettext("Register for the course"))
        self.register = html.escape(gettext("Register"))
        self.links: str | None = None
        self.labels: dict[tuple, str] = {}  # (state, seats left) -> label
        self.now = timezone.now()
        self.zone = timezone.get_current_timezone()

    def register_url(self, pk: int) -> str:
        """The register link of session `pk`: Django reverses the first, the others take its beginning
        (`dang-ky/<id>/`, with the language's prefix)."""
        if self.links is None:
            self.links = reverse("register", args=[pk]).removesuffix(f"{pk}/")
        return html.escape(f"{self.links}{pk}/")

    def part(self, session, event, form: str) -> str:
        now = offer(session, event, self.now)
        label = self.labels.get((now.state, now.seats_left))
        if label is None:
            label = self.labels[now.state, now.seats_left] = html.escape(now.label)
        link = (
            self.waitlist if now.state == "waitlist" else self.course if event.whole_course else self.register
        )
        if form == "summary":
            html_ = f'<span class="seats">{label}</span>'
            if event.whole_course:
                html_ += self.whole_course
            if now.takes_registrations:
                html_ += f' <a class="button" href="{self.register_url(session.pk)}">{link}</a>'
            return html_
        html_ = f'<span class="seats">{label}</span>' if label else ""
        if now.takes_registrations and not event.whole_course:
            hidden = (
                f'<span class="visually-hidden"> {session.start.astimezone(self.zone):%d/%m/%Y %H:%M}</span>'
            )
            html_ += f' <a href="{self.register_url(session.pk)}">{link}{hidden}</a>'
        return html_


# What the parts are made of: what only a change of content changes (a publication, the schedule's
# sessions written again: both move the content version on), read once when the page is kept...
SESSION_COLUMNS = ("pk", "start", "status", "in_schedule", "event_id")
EVENT_COLUMNS = (
    "registration_mode",
    "capacity",
    "waitlist",
    "registration_opens",
    "registration_closes",
    "whole_course",
    "start",
)
# ...and what registrations and a session's own number of seats change (`events.registering` writes
# them with `update()`, which moves no version), read at every request.
COUNTERS = ("capacity", "seats_taken", "waiting")


def keep(request, content: bytes) -> dict[int, tuple[SimpleNamespace, SimpleNamespace]]:
    """Each session whose parts `content` has -> its columns and its event's that `seats.offer` reads
    besides the counters, kept beside the page. Plain values, not page models: the entry stays small
    and `fill` builds nothing from the database."""
    ids = {int(pk) for pk, _form in PART.findall(content)}
    rows = Session.objects.filter(pk__in=ids).values(
        *SESSION_COLUMNS, *(f"event__{c}" for c in EVENT_COLUMNS)
    )
    kept, events = {}, {}
    for row in rows:
        event = events.get(row["event_id"])
        if event is None:
            event = events[row["event_id"]] = SimpleNamespace(
                **{c: row[f"event__{c}"] for c in EVENT_COLUMNS}
            )
        kept[row["pk"]] = (SimpleNamespace(**{c: row[c] for c in SESSION_COLUMNS}), event)
    return kept


def fill(request, content: bytes, kept: dict[int, tuple[SimpleNamespace, SimpleNamespace]]) -> bytes:
    """`content`, a kept event page, with each part written again from its session as it is now, in
    the language the page was kept in: one query for the counters of its sessions, whatever their
    number. A session no longer there keeps its part (its removal moves the content version on: the
    page is made again at the next request)."""
    if not kept:
        return content
    sessions = {}
    rows = Session.objects.filter(pk__in=kept).order_by().values_list("pk", *COUNTERS)
    for pk, capacity, seats_taken, waiting in rows:
        static, event = kept[pk]
        session = SimpleNamespace(**vars(static), capacity=capacity, seats_taken=seats_taken, waiting=waiting)
        sessions[pk] = (session, event)

    with override(get_language_from_request(request, check_path=True)):
        words = Words()

        def again(match: re.Match) -> bytes:
            found = sessions.get(int(match[1]))
            if found is None:
                return match[0]
            return seats_part(*found, match[2].decode(), words).encode()

        return PART.sub(again, content)
