"""Reminders (SPEC §11): a registrant with an email hears about their session the evening before, at 18:00
Hà Tĩnh time, once. `manage.py send_reminders` (every few minutes, with the periodic jobs) queues what is
due; the worker sends it (`events.tasks.send_reminder_mail`)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .choices import SessionStatus
from .models import Registration, RegistrationStatus, Reminder, Session, local_midnight

REMINDER_TIME = dt.time(18, 0)


def due_reminders(now: dt.datetime | None = None) -> list[tuple[int, int]]:
    """(registration, session) pairs due now: from 18:00, the next day's sessions not yet reminded."""
    now = timezone.localtime(now or timezone.now())
    if now.time() < REMINDER_TIME:
        return []
    tomorrow = now.date() + dt.timedelta(days=1)
    sessions = Session.objects.filter(
        in_schedule=True, start__gte=local_midnight(tomorrow), start__lt=local_midnight(tomorrow, 1)
    ).exclude(status=SessionStatus.CANCELLED)
    pairs = (
        Registration.places.through.objects.filter(
            session__in=sessions, registration__status=RegistrationStatus.CONFIRMED
        )
        .exclude(registration__email="")
        .exclude(
            Exists(
                Reminder.objects.filter(
                    registration=OuterRef("registration_id"), session=OuterRef("session_id")
                )
            )
        )
        .values_list("registration_id", "session_id")
    )
    return list(pairs)


def queue_reminders(now: dt.datetime | None = None) -> int:
    """Record each due reminder and queue its message once committed; returns how many were queued."""
    from .tasks import send_reminder_mail

    queued = 0
    for registration_id, session_id in due_reminders(now):
        try:
            with transaction.atomic():
                Reminder.objects.create(registration_id=registration_id, session_id=session_id)
        except IntegrityError:  # another run took it
            continue
        transaction.on_commit(lambda r=registration_id, s=session_id: send_reminder_mail.enqueue(r, s))
        queued += 1
    return queued
