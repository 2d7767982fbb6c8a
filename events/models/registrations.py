"""Registrations: a resident's seats in a session, or in every session of a course (SPEC §9).

The seats a session has given are counted on its row (`Session.seats_taken`, `Session.waiting`), written in
the same transaction that locks the row (`events.registering`): the listing, the event page and the API read
the counters with the session, and two people can never take the last seat twice.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .sessions import Session

# The consent text's version, stored with each registration: change it whenever the text changes.
CONSENT_VERSION = "2026-12"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


def new_token() -> str:
    """The ticket's secret: 128 bits, in the ticket's link only. The database keeps its hash."""
    return secrets.token_urlsafe(16)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def queue_rank() -> int:
    """The place in the queue: the time of registering in microseconds (staff may move one up)."""
    return int(timezone.now().timestamp() * 1_000_000)


class RegistrationQuerySet(models.QuerySet):
    def for_token(self, token: str) -> RegistrationQuerySet:
        return self.filter(token_hash=token_hash(token))

    def holding(self, session: Session) -> RegistrationQuerySet:
        """The registrations with a place in the session (their own, or as part of a course)."""
        return self.filter(places=session)

    def in_queue_order(self) -> RegistrationQuerySet:
        return self.order_by("queue_rank", "pk")


class Registration(models.Model):
    """One person's seats: in one session, or (a course registered as a whole) in each of its sessions."""

    event = models.ForeignKey(
        "events.EventPage", verbose_name=_("event"), on_delete=models.CASCADE, related_name="registrations"
    )
    # The session registered from; for a course, every session it holds a seat in is in `places`.
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="registrations"
    )
    places = models.ManyToManyField(Session, verbose_name=_("sessions"), related_name="held_by")
    whole_course = models.BooleanField(_("whole course"), default=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=12, choices=RegistrationStatus.choices)
    seats = models.PositiveSmallIntegerField(_("seats"))
    queue_rank = models.BigIntegerField(default=queue_rank, editable=False)
    # Personal data (Decree 13/2023/NĐ-CP): erased after the session (`erase_personal_data`) or on request.
    name = models.CharField(_("name"), max_length=100, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # The language of the pages the person registered on: their messages are written in it.
    language = models.CharField(max_length=8, default="vi", editable=False)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    consent_version = models.CharField(_("consent text"), max_length=20, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)
    # Staff who added it by hand (a phone call), else empty.
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["queue_rank", "pk"]
        indexes = [
            models.Index(fields=["session", "status", "queue_rank"], name="registration_queue"),
        ]

    def __str__(self) -> str:
        # Never the person's name: Wagtail's audit log keeps this as the entry's label, past any erasure.
        return _("Registration #%(number)s (%(seats)s seats)") % {"number": self.pk, "seats": self.seats}

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.CONFIRMED

    @property
    def is_waitlisted(self) -> bool:
        return self.status == RegistrationStatus.WAITLISTED

    @property
    def is_cancelled(self) -> bool:
        return self.status == RegistrationStatus.CANCELLED

    def queue_position(self) -> int | None:
        """1 for the first in the waiting list, …; None unless waitlisted."""
        if not self.is_waitlisted:
            return None
        ahead = Registration.objects.filter(
            session=self.session, status=RegistrationStatus.WAITLISTED
        ).filter(
            models.Q(queue_rank__lt=self.queue_rank) | models.Q(queue_rank=self.queue_rank, pk__lt=self.pk)
        )
        return ahead.count() + 1

    def contact(self) -> str:
        return " · ".join(part for part in [self.phone, self.email] if part)


class Reminder(models.Model):
    """The reminder sent to a registration the day before one of its sessions: one row each, so that it is
    sent once however often the job runs (`manage.py send_reminders`)."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="reminders")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    queued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["registration", "session"], name="one_reminder_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} – {self.session_id}"
