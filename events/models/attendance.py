"""Attendance: the headcount of one session (SPEC §3)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel

from core.atomic import AtomicSave
from institutions.record_rules import MAX_ATTENDEES

from .sessions import NOT_HELD_YET, Session


class Attendance(AtomicSave, models.Model):
    """The headcount of one session; editing replaces it, and every change is in the admin's history."""

    session = models.OneToOneField(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="attendance"
    )
    attendees = models.PositiveIntegerField(_("attendees"), validators=[MaxValueValidator(MAX_ATTENDEES)])
    children = models.PositiveIntegerField(
        _("children"), null=True, blank=True, validators=[MaxValueValidator(MAX_ATTENDEES)]
    )
    women = models.PositiveIntegerField(
        _("women"), null=True, blank=True, validators=[MaxValueValidator(MAX_ATTENDEES)]
    )
    disabled = models.PositiveIntegerField(
        _("people with disabilities"), null=True, blank=True, validators=[MaxValueValidator(MAX_ATTENDEES)]
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    panels = [
        FieldPanel("session", read_only=True),
        FieldPanel("attendees"),
        FieldRowPanel([FieldPanel("children"), FieldPanel("women"), FieldPanel("disabled")]),
        FieldPanel("note"),
    ]

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")

    def __str__(self) -> str:
        return f"{self.session}: {self.attendees}"

    def clean(self):
        if self.session_id and not self.session.has_begun():
            raise ValidationError(NOT_HELD_YET)
        for name in ("children", "women", "disabled"):
            part = getattr(self, name)
            if part is not None and self.attendees is not None and part > self.attendees:
                raise ValidationError({name: _("A part cannot be larger than the headcount.")})
