"""What a session offers a resident now: its seats left and whether it takes registrations (SPEC §9).

Read from the session's row and its event only (the counters `events.registering` keeps), so the event
page, the listing and the API say it without a query per session.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Protocol

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .choices import RegistrationMode, SessionStatus

# The filler that writes what each session offers again in a kept event page (`events.seat_parts`).
SEAT_PARTS = "event-seats"


class Session(Protocol):
    """What is read of a session: a `Session` row, or a `ListedSession` of a list."""

    start: dt.datetime
    status: str
    in_schedule: bool
    capacity: int | None
    seats_taken: int
    waiting: int


class EventPage(Protocol):
    """What is read of its event: an `EventPage`, or a `ListedEvent` of a list."""

    registration_mode: str
    capacity: int | None
    waitlist: bool
    registration_opens: dt.datetime | None
    registration_closes: dt.datetime | None
    whole_course: bool
    start: dt.datetime


def capacity_of(session: Session, event: EventPage) -> int | None:
    """The session's seats: its own number, else the event's; None for no limit."""
    return session.capacity if session.capacity is not None else event.capacity


def seats_left(session: Session, event: EventPage) -> int | None:
    capacity = capacity_of(session, event)
    return None if capacity is None else max(0, capacity - session.seats_taken)


def closes_at(session: Session, event: EventPage) -> dt.datetime:
    """When registration closes: the event's time, else the session's start (a course's: its first)."""
    if event.registration_closes:
        return event.registration_closes
    return event.start if event.whole_course else session.start


@dataclasses.dataclass(frozen=True)
class Offer:
    """What a session offers a resident now: `state` is one of none, cancelled, not_yet, closed, open,
    waitlist (full, the waiting list takes names) and full; `seats_left` is None without a limit."""

    state: str
    seats_left: int | None = None
    opens: dt.datetime | None = None

    @property
    def takes_registrations(self) -> bool:
        return self.state in {"open", "waitlist"}

    @property
    def label(self) -> str:
        """The words the event page and the listing show beside the session."""
        if self.state == "open":
            if self.seats_left is None:
                return _("Registration open")
            seats = self.seats_left
            return ngettext("%(count)s seat left", "%(count)s seats left", seats) % {"count": seats}
        return {
            "waitlist": _("Full — waiting list"),
            "full": _("Full"),
            "closed": _("Registration closed"),
            "not_yet": _("Registration opens soon"),
        }.get(self.state, "")

    def refusal(self) -> str:
        return {
            "none": _("This event takes no registration on the portal."),
            "cancelled": _("This session is cancelled: it takes no registration."),
            "not_yet": _("Registration for this session has not opened yet."),
            "closed": _("Registration for this session has closed."),
            "full": _("Every seat of this session is taken and it has no waiting list."),
        }.get(self.state, "")


def offer(session: Session, event: EventPage, now: dt.datetime | None = None) -> Offer:
    now = now or timezone.now()
    if event.registration_mode == RegistrationMode.NONE:
        return Offer("none")
    if session.status == SessionStatus.CANCELLED or not session.in_schedule:
        return Offer("cancelled")
    if event.registration_opens and now < event.registration_opens:
        return Offer("not_yet", opens=event.registration_opens)
    if now >= closes_at(session, event):
        return Offer("closed")
    left = seats_left(session, event)
    if left is None or (left > 0 and not session.waiting):
        return Offer("open", left)
    return Offer("waitlist" if event.waitlist else "full", left)
