"""Background work of the events app, run by the worker (`manage.py db_worker --backend background`)."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from core.links import PageLink, site_url

from .feed_entries import write_entries
from .models import FeedEntry, Registration, RegistrationStatus


class MailFailed(Exception):
    """A message the SMTP server did not take, said without its address (the queue keeps the error)."""


def deliver(messages: list[EmailMessage], what: str) -> None:
    """Send each message on one connection; a refusal is raised without the address, which the task
    queue's table would otherwise keep past the retention period (SMTP errors quote the recipient)."""
    try:
        get_connection().send_messages(messages)
    except (smtplib.SMTPException, OSError) as error:
        raise MailFailed(f"{what}: {type(error).__name__}") from None


@task(backend="background")
def rewrite_feed_entries() -> int:
    """Write every event's stored VEVENTs again (the site's address changed: they carry its links)."""
    events = FeedEntry.objects.filter(window_first__isnull=True).values_list("event_id", flat=True).distinct()
    return write_entries(list(events))


logger = logging.getLogger(__name__)

# The messages a registrant gets, and nothing else (SPEC §9, §11): what they asked for, changes to it, and
# a reminder the evening before.
REGISTRATION_MAIL = {"confirmed", "waitlisted", "promoted", "cancelled", "moved", "reminder"}


@task(backend="background", takes_context=True)
def send_registration_mail(context, registration_id: int, kind: str, token: str = "") -> bool:
    """One message about one registration: `confirmed` (with the ticket link and the .ics), `waitlisted`,
    `promoted`. Nothing is sent when the address was erased meanwhile.

    The ticket's token travels in the queued task's arguments, the only place it is written: once the
    message is sent (or not), the task's row forgets it, so the database keeps only its hash."""
    try:
        registration = (
            Registration.objects.select_related("event", "session").filter(pk=registration_id).first()
        )
        if registration is None or not registration.email or kind not in REGISTRATION_MAIL:
            return False
        deliver([registration_message(registration, kind, token)], f"registration {registration_id} ({kind})")
        return True
    finally:
        if token:
            DBTaskResult.objects.filter(id=context.task_result.id).update(
                args_kwargs={"args": [registration_id, kind, ""], "kwargs": {}}
            )


@task(backend="background")
def send_session_change_mail(session_id: int, kind: str) -> int:
    """Tell everyone holding a place in the session that it was cancelled or moved (one message each)."""
    registrations = (
        Registration.objects.filter(places=session_id)
        .exclude(status=RegistrationStatus.CANCELLED)
        .exclude(email="")
        .select_related("event", "session")
    )
    messages = [
        registration_message(registration, kind, session_id=session_id) for registration in registrations
    ]
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


@task(backend="background")
def send_reminder_mail(registration_id: int, session_id: int) -> bool:
    """The evening-before reminder of one session (`events.reminders`), unless the registration was
    cancelled, its address erased or the session cancelled meanwhile."""
    registration = (
        Registration.objects.select_related("event", "session")
        .filter(pk=registration_id, status=RegistrationStatus.CONFIRMED)
        .exclude(email="")
        .first()
    )
    if (
        registration is None
        or not registration.places.filter(pk=session_id).exclude(status="cancelled").exists()
    ):
        return False
    deliver(
        [registration_message(registration, "reminder", session_id=session_id)],
        f"registration {registration_id}",
    )
    return True


def registration_message(
    registration: Registration, kind: str, token: str = "", session_id=None
) -> EmailMessage:
    from .tickets import ticket_calendar, ticket_path

    with translation.override(registration.language or settings.LANGUAGE_CODE):
        session = registration.session
        if session_id is not None and session_id != session.pk:
            session = registration.places.get(pk=session_id)
        context = {
            "registration": registration,
            "event": registration.event,
            "session": session,
            "event_url": PageLink(registration.event.url_path).get_full_url(),
            "ticket_url": site_url(ticket_path(token)) if token else "",
            "position": registration.queue_position(),
        }
        subject = render_to_string(f"events/mail/{kind}_subject.txt", context).strip()
        body = render_to_string(f"events/mail/{kind}.txt", context)
        message = EmailMessage(subject=" ".join(subject.split()), body=body, to=[registration.email])
        if kind in {"confirmed", "promoted", "moved", "reminder"}:
            message.attach("lich.ics", ticket_calendar(registration), "text/calendar; charset=utf-8")
    return message
