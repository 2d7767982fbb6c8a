"""Check-ins: who was at a session, counted where it happens (SPEC §9, check-in)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registrations import Registration
from .sessions import Session


class CheckInKind(models.TextChoices):
    TICKET = "ticket", _("Ticket, checked by staff")
    SELF = "self", _("Self check-in")


class CheckIn(models.Model):
    """People present at a session: a ticket's people checked in by staff (from the roster or the ticket's
    QR code), or one person checking themselves in. `Session.checked_in` counts their people."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="check_ins"
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="check_ins",
    )
    kind = models.CharField(_("kind"), max_length=8, choices=CheckInKind.choices, default=CheckInKind.TICKET)
    people = models.PositiveSmallIntegerField(_("people"), default=1)
    at = models.DateTimeField(_("checked in"), default=timezone.now)
    # A self check-in's phone (a random id in a signed cookie): once per phone per session.
    device = models.CharField(max_length=32, blank=True, editable=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked in by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            # A ticket counts once per session, whoever scans it twice.
            models.UniqueConstraint(
                fields=["session", "registration"],
                condition=models.Q(registration__isnull=False),
                name="one_check_in_per_ticket_and_session",
            ),
            # A phone counts once per session, even when two taps send the form twice.
            models.UniqueConstraint(
                fields=["session", "device"], condition=~models.Q(device=""), name="one_check_in_per_device"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} – {self.people}"
