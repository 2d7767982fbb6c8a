from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.forms import OTPAuthenticationFormMixin, OTPTokenForm
from wagtail.admin.forms.auth import LoginForm

from . import two_factor


class PortalLoginForm(LoginForm):
    """Wagtail's login form with a translatable password label (Django leaves it unset)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].label = _("Password")


CODE_MESSAGES = {
    **OTPAuthenticationFormMixin.otp_error_messages,
    "token_required": _("Type the code."),
    "invalid_token": _("This code is not right. Check it and type it again, or use a recovery code."),
    "n_failed_attempts": ngettext_lazy(
        "After %(failure_count)d wrong code, wait a few seconds before trying again.",
        "After %(failure_count)d wrong codes, wait a little before trying again.",
        "failure_count",
    ),
    "verification_not_allowed": _("Codes cannot be checked just now. Try again in a moment."),
}


def code_field(label, help_text, required=True):
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )


class TwoFactorVerifyForm(OTPTokenForm):
    """django-otp's token form with one box: the device is chosen from what is typed (six digits for the
    app, else a recovery code), so nobody has to pick from a list of their devices first."""

    otp_error_messages = CODE_MESSAGES
    otp_device = forms.CharField(required=False, widget=forms.HiddenInput)
    otp_challenge = None  # no device here sends codes
    otp_token = code_field(
        _("Code"),
        _("The six digits your authenticator app shows now, or one of your recovery codes."),
        required=False,  # an empty box gets django-otp's "type the code", not a second message
    )

    def clean(self):
        code = two_factor.normalised(self.cleaned_data.get("otp_token") or "")
        self.cleaned_data["otp_token"] = code
        device = two_factor.device_for_code(self.user, code) if code else None
        self.cleaned_data["otp_device"] = device.persistent_id if device else ""
        return super().clean()


class TwoFactorEnrolForm(forms.Form):
    """The first code from the app being set up, which proves that it holds the secret."""

    otp_token = code_field(_("Code from the app"), _("The six digits the app shows for this account."))

    def __init__(self, device, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_otp_token(self):
        code = two_factor.normalised(self.cleaned_data["otp_token"])
        allowed, details = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(CODE_MESSAGES["n_failed_attempts"] % details)
        if not self.device.verify_token(code):
            raise forms.ValidationError(
                _("This code is not right. Check that the app shows this account, then type its code again.")
            )
        return code
