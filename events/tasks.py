"""Background work of the events app, run by the worker (`manage.py db_worker --backend background`)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from core.links import PageLink, absolute, site_url

from .digests import digest_messages
from .feed_entries import write_entries
from .mailing import Outgoing, retry_delay, send_all, unsubscribe_headers
from .models import UNCONFIRMED_DAYS, FeedEntry, MailKind, Registration, RegistrationStatus, Subscription
from .subscribing import confirm_token, describe_filters, manage_token, waiting_for


@task(backend="background")
def rewrite_feed_entries() -> int:
    """Write every event's stored VEVENTs again (the site's address changed: they carry its links)."""
    events = FeedEntry.objects.filter(window_first__isnull=True).values_list("event_id", flat=True).distinct()
    return write_entries(list(events))


logger = logging.getLogger(__name__)

# The messages a registrant gets, and nothing else (SPEC §9, §11): what they asked for, changes to it, and
# a reminder the evening before.
REGISTRATION_MAIL = {"confirmed", "waitlisted", "promoted", "cancelled", "moved", "reminder"}
KIND_OF = {"moved": MailKind.NOTICE, "cancelled": MailKind.NOTICE, "reminder": MailKind.REMINDER}


def later(task, attempt: int):
    """The task, to run again after the attempt's back-off (`events.mailing.retry_delay`)."""
    return task.using(run_after=timezone.now() + retry_delay(attempt))


@task(backend="background", takes_context=True)
def send_registration_mail(
    context, registration_id: int, kind: str, token: str = "", session_id: int | None = None, attempt: int = 1
) -> bool:
    """One message about one registration: `confirmed` (with the ticket link and the .ics), `waitlisted`,
    `promoted`, and `moved` or `cancelled` for one of its sessions. Nothing is sent when the address was
    erased meanwhile; a refusal that may pass is tried again later, up to `MAX_ATTEMPTS`.

    The ticket's token travels in the queued task's arguments, the only place it is written: once the
    message is sent (or not), the task's row forgets it, so the database keeps only its hash."""
    try:
        registration = (
            Registration.objects.select_related("event", "session").filter(pk=registration_id).first()
        )
        if registration is None or not registration.email or kind not in REGISTRATION_MAIL:
            return False
        message = registration_message(registration, kind, token, session_id=session_id)
        failed = send_all(
            [Outgoing(message, KIND_OF.get(kind, MailKind.REGISTRATION), registration_id)], attempt
        )
        if failed:
            later(send_registration_mail, attempt).enqueue(
                registration_id, kind, token, session_id=session_id, attempt=attempt + 1
            )
        return not failed
    finally:
        if token:
            DBTaskResult.objects.filter(id=context.task_result.id).update(
                args_kwargs={"args": [registration_id, kind, ""], "kwargs": {"session_id": session_id}}
            )


@task(backend="background")
def send_session_change_mail(session_id: int, kind: str) -> int:
    """Tell everyone holding a place in the session that it was cancelled or moved (one message each, with
    the new time); those the server refused for now are tried again one by one."""
    registrations = (
        Registration.objects.filter(places=session_id)
        .exclude(status=RegistrationStatus.CANCELLED)
        .exclude(email="")
        .select_related("event", "session")
    )
    batch = [
        Outgoing(
            registration_message(registration, kind, session_id=session_id), MailKind.NOTICE, registration.pk
        )
        for registration in registrations
    ]
    failed = send_all(batch)
    for item in failed:
        later(send_registration_mail, 1).enqueue(item.key, kind, session_id=session_id, attempt=2)
    return len(batch) - len(failed)


@task(backend="background")
def send_reminder_mail(registration_id: int, session_id: int, attempt: int = 1) -> bool:
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
    message = registration_message(registration, "reminder", session_id=session_id)
    if send_all([Outgoing(message, MailKind.REMINDER, registration_id)], attempt):
        later(send_reminder_mail, attempt).enqueue(registration_id, session_id, attempt=attempt + 1)
        return False
    return True


@task(backend="background")
def send_confirmation_mail(subscription_id: int, attempt: int = 1) -> bool:
    """The one message before a subscription is confirmed: its link (`events.subscribing`)."""
    subscription = Subscription.objects.unconfirmed().filter(pk=subscription_id).exclude(email="").first()
    if subscription is None:
        return False
    waiting = waiting_for(subscription.address)
    with translation.override(subscription.language or settings.LANGUAGE_CODE):
        context = {
            "confirm_url": site_url(
                reverse("subscription-confirm", args=[confirm_token(subscription.email)])
            ),
            "subscriptions": [describe_filters(item.filters) for item in waiting],
            "days": UNCONFIRMED_DAYS,
        }
        message = EmailMultiAlternatives(
            subject=" ".join(render_to_string("events/mail/confirm_subject.txt", context).split()),
            body=render_to_string("events/mail/confirm.txt", context),
            to=[subscription.email],
            # Every message has the way out, this one too: it deletes the request's address at once.
            headers=unsubscribe_headers(
                site_url(reverse("subscription-end", args=[manage_token("s", subscription.pk)]))
            ),
        )
    if send_all([Outgoing(message, MailKind.CONFIRMATION, subscription_id)], attempt):
        later(send_confirmation_mail, attempt).enqueue(subscription_id, attempt=attempt + 1)
        return False
    return True


@task(backend="background")
def send_digest(filters: str, language: str, day: str, subscription_ids: list[int], attempt: int = 1) -> int:
    """One group's weekly digest (`events.digests`): the subscribers who share these filters and language.
    Those the server refused for now are tried again together, later."""
    subscribers = list(
        Subscription.objects.running()
        .filter(pk__in=subscription_ids)
        .exclude(email="")
        .values_list("pk", "email")
    )
    batch = digest_messages(filters, language, dt.date.fromisoformat(day), subscribers)
    failed = send_all(batch, attempt)
    if failed:
        later(send_digest, attempt).enqueue(
            filters, language, day, [item.key for item in failed], attempt=attempt + 1
        )
    return len(batch) - len(failed)


def registration_message(
    registration: Registration, kind: str, token: str = "", session_id=None
) -> EmailMessage:
    from .tickets import ticket_calendar, ticket_path

    with translation.override(registration.language or settings.LANGUAGE_CODE):
        session = registration.session
        if session_id is not None and session_id != session.pk:
            session = registration.places.get(pk=session_id)
        stop_url = site_url(reverse("subscription-end", args=[manage_token("r", registration.pk)]))
        context = {
            "registration": registration,
            "event": registration.event,
            "session": session,
            "event_url": absolute(PageLink(registration.event.url_path).get_url() or "/"),
            "ticket_url": site_url(ticket_path(token)) if token else "",
            "position": registration.queue_position(),
            "stop_url": stop_url,
        }
        subject = render_to_string(f"events/mail/{kind}_subject.txt", context).strip()
        body = render_to_string(f"events/mail/{kind}.txt", context)
        message = EmailMessage(
            subject=" ".join(subject.split()),
            body=body,
            to=[registration.email],
            headers=unsubscribe_headers(stop_url),
        )
        if kind in {"confirmed", "promoted", "moved", "reminder"}:
            message.attach("lich.ics", ticket_calendar(registration), "text/calendar; charset=utf-8")
    return message
