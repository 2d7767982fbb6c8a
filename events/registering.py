"""Taking seats, giving them back and the waiting list (SPEC §9): never overbooked.

Every change of seats is one transaction that first locks the rows of the sessions it touches (in id
order, so two transactions never wait for each other): for an event registered session by session, the
session; for a course registered as a whole, every session of the event. Under the lock the counters on
the rows (`seats_taken`, `waiting`) are read, checked and written, and the waiting list is promoted: in
queue order, whole registrations only, a registration never overtaken by a later one.

Mail is never sent from here: each change queues its message for the background worker when the
transaction commits (`events.tasks`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .choices import SessionStatus
from .models import (
    CONSENT_VERSION,
    EventPage,
    Registration,
    RegistrationStatus,
    Session,
    new_token,
    token_hash,
)
from .seats import Offer, capacity_of, offer

CONFIRMED, WAITLISTED, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.CANCELLED,
)


class Refused(Exception):
    """Seats could not be taken: the message says why, in words for the person asking."""

    def __init__(self, message: str, state: str = ""):
        super().__init__(message)
        self.message = message
        self.state = state


def course_sessions(event: EventPage):
    """The sessions a registration for the whole course holds a seat in."""
    return (
        event.sessions.filter(in_schedule=True)
        .exclude(status=SessionStatus.CANCELLED)
        .order_by("start", "pk")
    )


# What is read of a locked session row: what `offer` and the counters need.
LOCKED_FIELDS = ("event", "start", "status", "in_schedule", "capacity", "seats_taken", "waiting")


def locked_sessions(event: EventPage, session_ids: Iterable[int]) -> dict[int, Session]:
    """Lock the sessions' rows, in id order: for a course, every session of the event (see the top)."""
    queryset = (
        Session.objects.filter(event=event)
        if event.whole_course
        else Session.objects.filter(pk__in=session_ids)
    )
    rows = queryset.select_for_update().only(*LOCKED_FIELDS).order_by("pk")
    return {session.pk: session for session in rows}


@dataclasses.dataclass
class NewRegistration:
    registration: Registration
    token: str


# What taking seats reads of an event (and the form and ticket show): not its whole page.
EVENT_FIELDS = (
    "title", "url_path", "slug", "registration_mode", "capacity", "waitlist", "registration_opens",
    "registration_closes", "max_seats", "whole_course", "start",
)  # fmt: skip


def registration_event(event_id: int) -> EventPage:
    return EventPage.objects.only(*EVENT_FIELDS).get(pk=event_id)


def register(
    session: Session,
    *,
    event: EventPage | None = None,
    seats: int,
    name: str,
    email: str = "",
    phone: str = "",
    note: str = "",
    added_by=None,
    now: dt.datetime | None = None,
) -> NewRegistration:
    """Take `seats` in the session (a course: in each of its sessions), or a place on the waiting list.
    `event` is the session's, when the caller has it already.

    Raises `Refused` when the session takes no registration now, or is full without a waiting list.
    Staff adding a registration by hand skip the opening times, not the seats.
    """
    now = now or timezone.now()
    event = event or registration_event(session.event_id)
    if seats > event.max_seats and added_by is None:
        raise Refused(_("One person may take at most %(count)s seats.") % {"count": event.max_seats})
    with transaction.atomic():
        wanted = (
            list(course_sessions(event).values_list("pk", flat=True)) if event.whole_course else [session.pk]
        )
        locked = locked_sessions(event, wanted)
        places = [locked[pk] for pk in wanted if pk in locked]
        if not places:
            raise Refused(Offer("cancelled").refusal(), "cancelled")
        first = min(places, key=lambda s: (s.start, s.pk))
        state = offer(first, event, now)
        if added_by is not None and state.state in {"not_yet", "closed"}:
            state = Offer("open")
        if state.state in {"none", "cancelled", "not_yet", "closed"}:
            raise Refused(state.refusal(), state.state)
        smallest = min((c for place in places if (c := capacity_of(place, event)) is not None), default=None)
        if smallest is not None and seats > smallest:
            # It could never fit: on the waiting list it would hold up everyone behind it.
            raise Refused(_("This session has only %(count)s seats.") % {"count": smallest}, "too_many")
        nobody_waiting = not any(place.waiting for place in places)
        fits = all(
            (capacity := capacity_of(place, event)) is None or place.seats_taken + seats <= capacity
            for place in places
        )
        if fits and nobody_waiting:
            status = CONFIRMED
        elif event.waitlist:
            status = WAITLISTED
        else:
            raise Refused(Offer("full").refusal(), "full")
        token = new_token()
        registration = Registration.objects.create(
            event=event,
            session=first,
            whole_course=event.whole_course,
            token_hash=token_hash(token),
            status=status,
            seats=seats,
            name=name,
            email=email,
            phone=phone,
            note=note,
            language=get_language() or "vi",
            consent_at=now if added_by is None else None,
            consent_version=CONSENT_VERSION if added_by is None else "",
            added_by=added_by,
            created_at=now,
        )
        Registration.places.through.objects.bulk_create(
            [Registration.places.through(registration=registration, session=place) for place in places]
        )
        counters = (
            {"seats_taken": F("seats_taken") + seats}
            if status == CONFIRMED
            else {"waiting": F("waiting") + 1}
        )
        Session.objects.filter(pk__in=[place.pk for place in places]).update(**counters)
        if registration.email:
            queue_mail(registration, "confirmed" if status == CONFIRMED else "waitlisted", token)
    return NewRegistration(registration, token)


def cancel(registration: Registration) -> list[Registration]:
    """Give the registration's seats back (or its place in the queue); returns who was promoted."""
    event = registration_event(registration.event_id)
    with transaction.atomic():
        held = list(registration.places.values_list("pk", flat=True))
        locked = locked_sessions(event, held)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.is_cancelled:
            return []
        free(registration, held)
        registration.status = CANCELLED
        registration.cancelled_at = timezone.now()
        registration.save(update_fields=["status", "cancelled_at"])
        return promote(event, [locked[pk] for pk in held if pk in locked])


def free(registration: Registration, held: list[int]) -> None:
    if registration.is_confirmed:
        Session.objects.filter(pk__in=held).update(seats_taken=F("seats_taken") - registration.seats)
    elif registration.is_waitlisted:
        Session.objects.filter(pk__in=held).update(waiting=F("waiting") - 1)


def promote(event: EventPage, sessions: list[Session]) -> list[Registration]:
    """Give freed seats to the waiting list, first come first served: whole registrations only, and one
    that does not fit stops the queue (nobody overtakes it). The sessions' rows must be locked."""
    if not any(session.waiting for session in sessions):
        return []
    promoted = []
    waiting = (
        Registration.objects.filter(status=WAITLISTED, places__in=sessions)
        .distinct()
        .order_by("queue_rank", "pk")
        .prefetch_related("places")
    )
    for registration in waiting:
        places = list(Session.objects.filter(pk__in=[p.pk for p in registration.places.all()]))
        if not all(
            (capacity := capacity_of(place, event)) is None
            or place.seats_taken + registration.seats <= capacity
            for place in places
        ):
            break
        ids = [place.pk for place in places]
        Session.objects.filter(pk__in=ids).update(
            seats_taken=F("seats_taken") + registration.seats, waiting=F("waiting") - 1
        )
        registration.status = CONFIRMED
        registration.save(update_fields=["status"])
        promoted.append(registration)
        if registration.email:
            queue_mail(registration, "promoted")
    return promoted


class CapacityTooLow(Exception):
    def __init__(self, taken: int):
        super().__init__(taken)
        self.taken = taken


def set_capacity(session: Session, capacity: int | None) -> list[Registration]:
    """Give the session its own number of seats (None: the event's). Refused below the seats taken;
    a higher number gives the new seats to the waiting list."""
    event = registration_event(session.event_id)
    with transaction.atomic():
        locked = locked_sessions(event, [session.pk])
        row = locked[session.pk]
        effective = capacity if capacity is not None else event.capacity
        if effective is not None and effective < row.seats_taken:
            raise CapacityTooLow(row.seats_taken)
        Session.objects.filter(pk=row.pk).update(capacity=capacity)
        row.capacity = capacity
        return promote(event, [row])


def move_up(registration: Registration) -> bool:
    """Move a waiting registration one place up the queue (staff); False when it is first already."""
    event = registration_event(registration.event_id)
    with transaction.atomic():
        locked_sessions(event, [registration.session_id])
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        ahead = (
            Registration.objects.filter(
                session=registration.session_id, status=WAITLISTED, queue_rank__lte=registration.queue_rank
            )
            .exclude(pk=registration.pk)
            .order_by("-queue_rank", "-pk")
            .first()
        )
        if not registration.is_waitlisted or ahead is None:
            return False
        registration.queue_rank, ahead.queue_rank = ahead.queue_rank, registration.queue_rank
        if registration.queue_rank == ahead.queue_rank:
            registration.queue_rank -= 1
        Registration.objects.filter(pk=ahead.pk).update(queue_rank=ahead.queue_rank)
        registration.save(update_fields=["queue_rank"])
        # It may fit where the one it passed did not.
        promote(event, list(Session.objects.filter(pk=registration.session_id).order_by("pk")))
        return True


def hold_new_course_sessions(event: EventPage, sessions: list[Session]) -> None:
    """Sessions added to a course registered as a whole (a later date, the horizon moving on) take the
    course's registrations: each holds its seats there too, and the counters say so. Called by the
    schedule with the event's rows locked."""
    registrations = list(
        Registration.objects.filter(event=event, whole_course=True)
        .exclude(status=CANCELLED)
        .only("pk", "status", "seats")
    )
    if not registrations or not sessions:
        return
    Registration.places.through.objects.bulk_create(
        [
            Registration.places.through(registration_id=r.pk, session_id=s.pk)
            for r in registrations
            for s in sessions
        ]
    )
    taken = sum(r.seats for r in registrations if r.status == CONFIRMED)
    waiting = sum(1 for r in registrations if r.status == WAITLISTED)
    Session.objects.filter(pk__in=[s.pk for s in sessions]).update(seats_taken=taken, waiting=waiting)


def promote_waiting(event: EventPage) -> list[Registration]:
    """After the event's seats or its waiting list changed in its editor (a publication): give the
    waiting list the seats now free, session by session (a course: all at once), under the rows' locks."""
    event = registration_event(event.pk)
    waiting = list(Session.objects.filter(event=event, waiting__gt=0).values_list("pk", flat=True))
    if not waiting:
        return []
    promoted = []
    with transaction.atomic():
        locked = locked_sessions(event, waiting)
        groups = (
            [list(locked.values())]
            if event.whole_course
            else [[locked[pk]] for pk in waiting if pk in locked]
        )
        for group in groups:
            promoted += promote(event, group)
    return promoted


def erase(registration: Registration) -> None:
    """Erase the person's data, keeping the registration's seats and status (the counts)."""
    Registration.objects.filter(pk=registration.pk).update(
        name="", email="", phone="", note="", erased_at=timezone.now()
    )


def queue_mail(registration: Registration, kind: str, token: str = "") -> None:
    from .tasks import send_registration_mail

    pk = registration.pk
    transaction.on_commit(lambda: send_registration_mail.enqueue(pk, kind, token))


def tell_registrants(session_ids: Iterable[int], kind: str) -> None:
    """Queue a message to everyone holding a place in the sessions (cancelled or moved), once committed."""
    from .tasks import send_session_change_mail

    for session_id in session_ids:
        transaction.on_commit(lambda pk=session_id: send_session_change_mail.enqueue(pk, kind))
