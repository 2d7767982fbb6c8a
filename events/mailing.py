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

from .models import MailDelivery, MailKind, MailStatus, address_key

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


# What the daily limit holds back: what the portal sends of its own accord. A registrant's ticket, a notice
# that their session moved and its reminder always go.
CAPPED = {MailKind.DIGEST, MailKind.CONFIRMATION}
# Errors of the connection, not of one message: the rest of the batch waits for the next attempt rather
# than opening a connection (and logging in) once per message to a server that is down or refuses us.
CONNECTION_ERRORS = (
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPHeloError,
    OSError,
)


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
        for index, (item, key) in enumerate(zip(batch, keys, strict=True)):
            if limit and item.kind in CAPPED and counts.get(key, 0) >= limit:
                log.append(delivery(item, key, now, MailStatus.HELD, attempt))
                continue
            status, error, connection_lost = send_one(connection, item.message)
            if status == MailStatus.SENT:
                counts[key] = counts.get(key, 0) + 1
            if status == MailStatus.FAILED:
                left = batch[index:] if connection_lost else [item]
                if attempt < MAX_ATTEMPTS:
                    again.extend(left)
                else:
                    for lost in left:
                        logger.warning(
                            "Mail %s (%s) failed after %s attempts: %s", lost.kind, lost.key, attempt, error
                        )
                        log.append(
                            delivery(lost, address_key(lost.message.to[0]), now, status, attempt, error)
                        )
                if connection_lost:
                    break
                continue
            if status == MailStatus.BOUNCED:
                logger.warning("Mail %s (%s) bounced: %s", item.kind, item.key, error)
            log.append(delivery(item, key, now, status, attempt, error))
    finally:
        connection.close()
    MailDelivery.objects.bulk_create(log)
    return again


def send_one(connection, message: EmailMessage) -> tuple[str, str, bool]:
    """Send one message: sent, bounced (the server refused the address for good) or failed (may pass);
    and whether the connection itself failed (then the rest of the batch would fail the same way)."""
    message.connection = connection
    try:
        connection.open()  # once for the batch; again after an error closed it
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        connection.close()
        if codes and all(code >= 500 for code in codes):
            return MailStatus.BOUNCED, f"SMTPRecipientsRefused {codes}", False
        return MailStatus.FAILED, f"SMTPRecipientsRefused {codes}", False
    except smtplib.SMTPDataError as error:
        connection.close()
        if error.smtp_code >= 500:  # the server refused this message for good
            return MailStatus.BOUNCED, f"SMTPDataError {error.smtp_code}", False
        return MailStatus.FAILED, f"SMTPDataError {error.smtp_code}", False
    except (smtplib.SMTPException, OSError) as error:
        connection.close()  # opened again for the next message
        code = getattr(error, "smtp_code", "")
        return (
            MailStatus.FAILED,
            f"{type(error).__name__} {code}".strip(),
            isinstance(error, CONNECTION_ERRORS),
        )
    return MailStatus.SENT, "", False


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
