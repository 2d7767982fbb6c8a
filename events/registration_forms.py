"""The registration form (SPEC §9): only the fields a seat needs, and consent that says why."""

from __future__ import annotations

import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Mobile numbers (03x, 05x, 07x, 08x, 09x and 10 digits) and landlines (02xx, 11 digits), written with
# 0 or +84, spaces, dots or dashes between the digits.
PHONE_PATTERN = re.compile(r"0(?:[35789]\d{8}|2\d{9})")


def normalise_phone(value: str) -> str:
    digits = re.sub(r"[\s.\-()]", "", value)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in {11, 12}:
        digits = "0" + digits[2:]
    return digits


def validate_phone(value: str) -> str:
    digits = normalise_phone(value)
    if not PHONE_PATTERN.fullmatch(digits):
        raise ValidationError(
            _(
                "Enter a Vietnamese phone number: 10 digits for a mobile (e.g. 0912 345 678), "
                "11 for a landline."
            ),
            code="phone",
        )
    return digits


def consent_text() -> str:
    days = settings.REGISTRATION_RETENTION_DAYS
    return _(
        "I agree that the portal keeps my name, phone number, email and note to hold my seat and to tell me "
        "about this session. Only the staff of the organising institution and of the province see them; they "
        "are erased %(days)s days after the session, or at any time from my ticket."
    ) % {"days": days}


class RegistrationForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        required=False,
        help_text=_("Give a phone number or an email, or both. With an email you get your ticket by mail."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    seats = forms.IntegerField(label=_("Seats"), min_value=1, initial=1)
    note = forms.CharField(
        label=_("Note for the organiser (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label="", required=True, error_messages={"required": _("Tick the box to agree.")}
    )
    # A honeypot: hidden from people by the stylesheet, filled in by the robots that fill every field.
    website = forms.CharField(label=_("Leave this field empty"), required=False)

    def __init__(self, *args, max_seats: int = 4, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seats"] = forms.IntegerField(
            label=_("Seats"),
            min_value=1,
            max_value=max_seats,
            initial=1,
            help_text=_("At most %(count)s.") % {"count": max_seats},
        )
        self.fields["consent"].label = consent_text()
        self.fields["website"].widget.attrs.update(autocomplete="off", tabindex="-1")
        if staff:
            # Staff typing a phone call's registration: the person consented on the phone.
            del self.fields["consent"]
            del self.fields["website"]
            self.fields["name"].label = _("Name")

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "").strip()
        return validate_phone(value) if value else ""

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise ValidationError(_("This field must stay empty."), code="honeypot")
        return ""

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("phone")
            and not cleaned.get("email")
            and not self.has_error("phone")
            and not self.has_error("email")
        ):
            raise ValidationError(
                _("Give a phone number or an email, so that the organiser can reach you."), code="contact"
            )
        return cleaned
