"""Commendations (SPEC §12): the province's decisions honouring an institution or a person for a good
model, recorded by provincial staff, listed with the stories and on the institution's page.

A person's name is personal data (Decree 13/2023/NĐ-CP): it is recorded, and shown, only with the
person's consent on record. The institution is the usual recipient.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

from .pages import InstitutionPage


class CommendationQuerySet(models.QuerySet):
    def public(self) -> CommendationQuerySet:
        """What may be shown to anyone: to a published institution, or to a person who agreed."""
        to_institution = Q(institution__isnull=False, institution__live=True)
        to_person = Q(institution__isnull=True, consent_recorded=True, consent_date__isnull=False) & ~Q(
            person_name=""
        )
        return self.filter(to_institution | to_person).order_by("-year", "-decision_date", "-pk")


class Commendation(models.Model):
    """One commendation: a decision of a year honouring one institution, or one person."""

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(
        _("title"), max_length=255, help_text=_("e.g. “Bằng khen: mô hình câu lạc bộ đọc sách tiêu biểu”.")
    )
    decision_number = models.CharField(_("decision number"), max_length=64, help_text=_("e.g. 123/QĐ-UBND"))
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    institution = models.ForeignKey(
        InstitutionPage,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="commendations",
        help_text=_("The institution honoured. Leave empty when a person is."),
    )
    person_name = models.CharField(
        _("person's name"),
        max_length=200,
        blank=True,
        help_text=_(
            "Only when the person has agreed to their name being published, and that is recorded below."
        ),
    )
    consent_recorded = models.BooleanField(
        _("consent recorded"),
        default=False,
        help_text=_("The person agreed, in writing, to their name being published on the portal."),
    )
    consent_date = models.DateField(_("consent date"), null=True, blank=True)

    objects = CommendationQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("year"), FieldPanel("decision_number"), FieldPanel("decision_date")]),
        FieldPanel("title"),
        FieldPanel("institution"),
        MultiFieldPanel(
            [
                FieldPanel("person_name"),
                FieldRowPanel([FieldPanel("consent_recorded"), FieldPanel("consent_date")]),
            ],
            heading=_("Or a person"),
        ),
    ]

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-year", "-decision_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.decision_number} – {self.title}"

    def clean(self):
        super().clean()
        name = self.person_name.strip()
        self.person_name = name
        if self.institution_id and name:
            raise ValidationError(_("Give the institution or the person's name, not both."))
        if not self.institution_id and not name:
            raise ValidationError(_("Give the institution honoured, or the person's name."))
        if name and not (self.consent_recorded and self.consent_date):
            raise ValidationError(
                {
                    "person_name": _(
                        "A person's name is published only with their consent: tick “consent recorded” "
                        "and give the date of the consent."
                    )
                }
            )
        if self.consent_date and not self.consent_recorded:
            raise ValidationError(
                {"consent_recorded": _("A consent date is given: tick “consent recorded”.")}
            )

    @property
    def recipient(self) -> str:
        """Who is honoured, as the public may read it: a person's name only with their consent."""
        if self.institution_id:
            return self.institution.title
        if self.person_name and self.consent_recorded and self.consent_date:
            return self.person_name
        return ""
