"""Checking a ticket in at the door (SPEC §9): from the roster, or by opening the ticket's QR code.

A check-in and its count on the session's row (`Session.checked_in`, the people present) are written in
one transaction that locks the row, as seats are (`events.registering`); a ticket counts once per session,
and checking it again says when it was checked in and counts nothing.
"""

from __future__ import annotations

import dataclasses

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from . import tallies
from .models import CheckIn, CheckInKind, Registration, Session
from .registering import Refused


def lock_session(session: Session) -> None:
    """Lock the session's row until the transaction ends (its counters are written under it)."""
    Session.objects.select_for_update().filter(pk=session.pk).values_list("pk").get()


@dataclasses.dataclass
class TicketCheckIn:
    check_in: CheckIn
    new: bool  # False: it had been checked in before, and nothing more was counted


def check_in_ticket(registration: Registration, session: Session, user) -> TicketCheckIn:
    """Check the ticket's people in at the session; refused unless it holds a confirmed place in it."""
    with transaction.atomic():
        lock_session(session)
        earlier = CheckIn.objects.filter(session=session, registration=registration).first()
        if earlier is not None:
            return TicketCheckIn(earlier, new=False)
        registration = Registration.objects.get(pk=registration.pk)
        if not registration.places.filter(pk=session.pk).exists():
            raise Refused(_("This ticket is for another session."))
        if not registration.is_confirmed:
            raise Refused(
                _("This registration is on the waiting list.")
                if registration.is_waitlisted
                else _("This registration was cancelled.")
            )
        check_in = CheckIn.objects.create(
            session=session,
            registration=registration,
            kind=CheckInKind.TICKET,
            people=registration.seats,
            at=timezone.now(),
            by=user if user and user.is_authenticated else None,
        )
        Session.objects.filter(pk=session.pk).update(checked_in=F("checked_in") + check_in.people)
        tallies.changed([session.event_id])
        return TicketCheckIn(check_in, new=True)


def undo_check_in(registration: Registration, session: Session) -> bool:
    """Take a ticket's check-in back (a wrong tap); False when it was not checked in."""
    with transaction.atomic():
        lock_session(session)
        check_in = CheckIn.objects.filter(session=session, registration=registration).first()
        if check_in is None:
            return False
        check_in.delete()
        Session.objects.filter(pk=session.pk).update(checked_in=F("checked_in") - check_in.people)
        tallies.changed([session.event_id])
        return True


def session_at_the_door(registration: Registration) -> Session | None:
    """The session a ticket's code is shown for: of the sessions it holds, the one whose start is nearest
    to now (a course's meeting of the day)."""
    now = timezone.now()
    sessions = list(registration.places.filter(in_schedule=True))
    return min(sessions, key=lambda session: abs(session.start - now), default=None)
