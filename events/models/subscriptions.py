"""Email subscriptions to a listing's filters, and the log of the mail the portal sends (SPEC §11).

A subscriber's address is personal data (Decree 13/2023/NĐ-CP): kept only while the subscription runs,
erased when it ends (the row stays, so the counts do), and deleted with the row when a subscription is
not confirmed within `UNCONFIRMED_DAYS`. The mail log keeps a keyed hash of each address, never the
address: enough to cap what one address gets in a day, and to count what was sent.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

UNCONFIRMED_DAYS = 7
# The consent text's version, stored with each subscription: change it whenever the text changes.
SUBSCRIPTION_CONSENT_VERSION = "2026-12"


def address_key(email: str) -> str:
    """A keyed hash of an address: the same for the same mailbox, and no way back to it."""
    return salted_hmac("events.mail-address", email.strip().lower(), algorithm="sha256").hexdigest()[:40]


class SubscriptionQuerySet(models.QuerySet):
    def running(self) -> SubscriptionQuerySet:
        """Confirmed and not ended: these get the digest."""
        return self.filter(confirmed_at__isnull=False, ended_at__isnull=True)

    def unconfirmed(self) -> SubscriptionQuerySet:
        return self.filter(confirmed_at__isnull=True, ended_at__isnull=True)


class Subscription(models.Model):
    """ "Email me new sessions like these": a listing's filters, and where to send its weekly digest."""

    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(max_length=40, blank=True, db_index=True, editable=False)  # `address_key`
    # The listing's filters, as a canonical query string (`events.subscribing.canonical_filters`): the
    # digest groups subscriptions by it, so that each set of filters is read once however many share it.
    filters = models.CharField(_("filters"), max_length=2000, blank=True)
    language = models.CharField(max_length=8, default="vi", editable=False)
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    consent_version = models.CharField(_("consent text"), max_length=20, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # The first day of the last week whose digest was sent: a second run for the same week sends nothing.
    digest_week = models.DateField(null=True, blank=True, editable=False)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("email subscription")
        verbose_name_plural = _("email subscriptions")
        indexes = [models.Index(fields=["confirmed_at", "ended_at", "digest_week"], name="subscription_due")]
        constraints = [
            # One running or waiting subscription per address and filters: asking again finds it.
            models.UniqueConstraint(
                fields=["email", "filters"],
                condition=models.Q(ended_at__isnull=True),
                name="subscription_once_per_address",
            )
        ]

    def __str__(self) -> str:
        # Never the address: Wagtail's audit log keeps this as the entry's label.
        return _("Subscription #%(number)s") % {"number": self.pk}

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def has_ended(self) -> bool:
        return self.ended_at is not None


class MailKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Subscription confirmation")
    DIGEST = "digest", _("Weekly digest")
    REGISTRATION = "registration", _("Registration")
    REMINDER = "reminder", _("Reminder")
    NOTICE = "notice", _("Change notice")


class MailStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced")
    HELD = "held", _("Held back (daily limit)")


class MailDelivery(models.Model):
    """One message the portal sent or gave up on: what, when, how it ended, and to whom as a keyed hash."""

    day = models.DateField(_("day"))
    at = models.DateTimeField(default=timezone.now)
    kind = models.CharField(_("kind"), max_length=14, choices=MailKind.choices)
    status = models.CharField(_("status"), max_length=8, choices=MailStatus.choices)
    address = models.CharField(max_length=40)
    attempts = models.PositiveSmallIntegerField(default=1)
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("mail delivery")
        verbose_name_plural = _("mail deliveries")
        indexes = [
            models.Index(fields=["address", "day"], name="mail_delivery_address_day"),
            models.Index(fields=["day", "status"], name="mail_delivery_day_status"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.kind} {self.status}"
