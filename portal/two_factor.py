"""Two-factor sign-in to the admin (README, "Two-factor sign-in"), on django-otp.

After the password, staff give a code from an authenticator app (a TOTP device) or, when the phone is lost,
one of the recovery codes they were shown once at enrolment (a static device, each code good once). Who
must do so is `settings.OTP_REQUIRED_FOR`; anyone who enrolled of their own accord is asked too, or the
enrolment would protect nothing. Until they have, `portal.middleware.TwoFactorMiddleware` keeps them out of
the rest of the admin; the screens are `portal.two_factor_views`.

A wrong code counts as a failed login for django-axes (`count_failure`): AXES_FAILURE_LIMIT of them lock the
username at this address, as wrong passwords do. The devices' own throttling (a wait that doubles with each
failure, kept on the device) still holds across new sign-ins, which the password's success resets for axes.
"""

from __future__ import annotations

import base64
import textwrap

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django_otp import device_classes, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

from institutions.roles import scopes

RECOVERY_CODES = 10
APP_DEVICE_NAME = "app"
RECOVERY_DEVICE_NAME = "recovery"


def must_use_second_factor(user) -> bool:
    """Whether `settings.OTP_REQUIRED_FOR` asks `user` for a second factor."""
    if not user.is_authenticated or not user.is_active:
        return False
    required = set(settings.OTP_REQUIRED_FOR)
    if "staff" in required and user.has_perm("wagtailadmin.access_admin"):
        return True
    if "superusers" in required and user.is_superuser:
        return True
    return "provincial" in required and any(scope.province for scope in scopes(user))


def needs_verification(user) -> bool:
    """Signed in with the password only, and asked for more: by the setting, or by a device of their own."""
    if not user.is_authenticated or user.is_verified():
        return False
    return must_use_second_factor(user) or user_has_device(user)


def credentials(user) -> dict:
    return {"username": user.get_username()}


def locked_out(request):
    """django-axes's lockout answer when this username is locked at this address, else None."""
    if settings.AXES_ENABLED and AxesProxyHandler.is_locked(request, credentials(request.user)):
        return get_lockout_response(request, credentials(request.user))
    return None


def count_failure(request) -> None:
    """A refused code is a failed login: django-axes records it, and at the limit marks the request, so
    that its middleware answers it with the lockout."""
    user_login_failed.send(sender=__name__, credentials=credentials(request.user), request=request)


def forget_failures(request) -> None:
    """As a right password does (AXES_RESET_ON_SUCCESS): a right code clears this address's failures."""
    if settings.AXES_ENABLED and settings.AXES_RESET_ON_SUCCESS:
        AxesProxyHandler.update_request(request)
        AxesProxyHandler.reset_attempts(
            ip_address=request.axes_ip_address, username=request.user.get_username()
        )


def verified(request, device) -> None:
    """The session has passed the second factor with `device`; a new session key for the new rights."""
    request.session.cycle_key()
    otp_login(request, device)
    forget_failures(request)


def pending_device(user) -> TOTPDevice:
    """The app being set up: a new secret, kept unconfirmed (and unused) until a code from it is typed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def secret_of(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed by hand: base32, in groups of four."""
    return " ".join(textwrap.wrap(base64.b32encode(device.bin_key).decode(), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The app's setup link as a QR code, an inline SVG drawn on the server (no image leaves the page)."""
    qr = segno.make(device.config_url, error="m")
    return qr.svg_inline(scale=4, border=4, dark="#000", light="#fff", svgclass=None, lineclass=None)


@transaction.atomic
def finish_enrolment(request, device: TOTPDevice) -> list[str]:
    """`device` answered with a right code: it becomes the user's only app, the recovery codes are new (the
    old ones stop working) and the session counts as verified with it. Returns the codes, to show once."""
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticDevice.objects.filter(user=user).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    recovery = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=code) for code in codes)
    verified(request, device)
    log(instance=user, action="portal.otp_enrolled", user=user)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalised(code: str) -> str:
    """A code as typed or pasted: "123 456" is 123456, "ABCD-EFGH" the recovery code abcdefgh."""
    return "".join(code.split()).replace("-", "").lower()


def device_for_code(user, code: str):
    """The device a typed code is for: six digits are the app's, anything else a recovery code (eight
    letters and digits)."""
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    return model.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


@transaction.atomic
def reset_devices(user, by) -> int:
    """A superuser takes away every device of `user` (a lost phone without recovery codes): they sign in with
    the password alone and set up a new app, when required straight away. Logged for the audit."""
    removed = sum(
        model.objects.filter(user=user).delete()[1].get(model._meta.label, 0) for model in device_classes()
    )
    log(instance=user, action="portal.otp_reset", user=by, data={"devices": removed})
    return removed
