"""Sending the portal's mail from the worker (SPEC §11): a cap per address and day, the RFC 8058 headers,
one log row per message, and what to try again later.

`send_all` sends a batch on one SMTP connection, one message at a time, so that one refused address does
not stop the others. The caller queues again what it returns, after `retry_delay(attempt)`; after the last
attempt a message is logged as failed (without its address: SMTP errors quote it) and the admin's mail
report shows it.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Count
from django.utils import timezone

from .models import MailDelivery, MailStatus, address_key

logger = logging.getLogger(__name__)

# Seconds before each further attempt: 1 minute, 5 minutes, 30 minutes, 2 hours; then it has failed.
RETRY_DELAYS = (60, 5 * 60, 30 * 60, 2 * 60 * 60)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def retry_delay(attempt: int) -> dt.timedelta:
    """How long to wait after the `attempt`-th attempt failed."""
    return dt.timedelta(seconds=RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1])


def unsubscribe_headers(url: str) -> dict[str, str]:
    """One-click unsubscribe (RFC 8058): the mail program POSTs `List-Unsubscribe=One-Click` to the link."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@dataclass
class Outgoing:
    message: EmailMessage
    kind: str
    key: object = None  # what the caller needs to make the message again (a subscription's id, …)


def sent_today(addresses: set[str], day: dt.date) -> dict[str, int]:
    rows = (
        MailDelivery.objects.filter(address__in=addresses, day=day, status=MailStatus.SENT)
        .values_list("address")
        .annotate(count=Count("pk"))
    )
    return dict(rows)


def send_all(batch: list[Outgoing], attempt: int = 1) -> list[Outgoing]:
    """Send the batch; returns what failed for a reason that may pass (to be queued again), unless this
    was the last attempt. Every message ends in the log: sent, bounced, held back, failed."""
    if not batch:
        return []
    now = timezone.now()
    day = timezone.localdate(now)
    limit = settings.MAIL_DAILY_LIMIT_PER_ADDRESS
    keys = [address_key(item.message.to[0]) for item in batch]
    counts = sent_today(set(keys), day) if limit else {}
    log: list[MailDelivery] = []
    again: list[Outgoing] = []
    connection = get_connection()
    try:
        for item, key in zip(batch, keys, strict=True):
            if limit and counts.get(key, 0) >= limit:
                log.append(delivery(item, key, now, MailStatus.HELD, attempt))
                continue
            status, error = send_one(connection, item.message)
            if status == MailStatus.SENT:
                counts[key] = counts.get(key, 0) + 1
            elif status == MailStatus.FAILED and attempt < MAX_ATTEMPTS:
                again.append(item)
                continue
            if status != MailStatus.SENT:
                logger.warning(
                    "Mail %s (%s) %s after %s attempts: %s", item.kind, item.key, status, attempt, error
                )
            log.append(delivery(item, key, now, status, attempt, error))
    finally:
        connection.close()
    MailDelivery.objects.bulk_create(log)
    return again


def send_one(connection, message: EmailMessage) -> tuple[str, str]:
    """Send one message: sent, bounced (the server refused the address for good) or failed (may pass)."""
    message.connection = connection
    try:
        connection.open()  # once for the batch; again after an error closed it
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        connection.close()
        if codes and all(code >= 500 for code in codes):
            return MailStatus.BOUNCED, f"SMTPRecipientsRefused {codes}"
        return MailStatus.FAILED, f"SMTPRecipientsRefused {codes}"
    except (smtplib.SMTPException, OSError) as error:
        connection.close()  # opened again for the next message
        code = getattr(error, "smtp_code", "")
        return MailStatus.FAILED, f"{type(error).__name__} {code}".strip()
    return MailStatus.SENT, ""


def delivery(item: Outgoing, key: str, now, status: str, attempt: int, error: str = "") -> MailDelivery:
    return MailDelivery(
        day=timezone.localdate(now),
        at=now,
        kind=item.kind,
        status=status,
        address=key,
        attempts=attempt,
        error=error[:200],
    )
