"""The two-factor screens of the admin (portal/two_factor.py): the code after the password, setting up an
authenticator app with its recovery codes, and a superuser's reset of someone's devices.

The first two are the whole admin of someone signed in with the password only (TwoFactorMiddleware), so
they look like Wagtail's login screen, without its menu.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice

from . import two_factor
from .forms import TwoFactorEnrolForm, TwoFactorVerifyForm


def next_url(request) -> str:
    """Where the person was going (`next`), on this site only; else the admin's home."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, require_https=request.is_secure()):
        return candidate
    return reverse("wagtailadmin_home")


def screen_url(name: str, next_to: str) -> str:
    return reverse(name) + "?" + urlencode({"next": next_to})


@never_cache
def verify_view(request):
    """`/admin/xac-thuc-hai-buoc/`: the code after the password."""
    user = request.user
    if user.is_verified():
        return redirect(next_url(request))
    if not user_has_device(user):
        return redirect(screen_url("portal_two_factor_enrol", next_url(request)))
    if lockout := two_factor.locked_out(request):
        return lockout
    form = TwoFactorVerifyForm(user, request, data=request.POST if request.method == "POST" else None)
    if form.is_bound:
        if form.is_valid():
            device = form.get_user().otp_device
            two_factor.verified(request, device)
            if isinstance(device, StaticDevice):
                return after_a_recovery_code(request, user)
            return redirect(next_url(request))
        if form.data.get("otp_token", "").strip():
            two_factor.count_failure(request)  # at the limit, django-axes answers with the lockout
    return TemplateResponse(
        request,
        "portal/admin/two_factor_verify.html",
        {"form": form, "next": next_url(request), "page_title": _("Two-factor sign-in")},
    )


def after_a_recovery_code(request, user):
    """A recovery code usually means a lost phone: straight on to setting up the app again."""
    left = two_factor.recovery_codes_left(user)
    messages.warning(
        request,
        ngettext(
            "You signed in with a recovery code; %(count)d is left. If your phone is lost, set up the "
            "authenticator app on your new phone now: that also gives you new recovery codes.",
            "You signed in with a recovery code; %(count)d are left. If your phone is lost, set up the "
            "authenticator app on your new phone now: that also gives you new recovery codes.",
            left,
        )
        % {"count": left},
    )
    return redirect(screen_url("portal_two_factor_enrol", next_url(request)))


@never_cache
def enrol_view(request):
    """`/admin/xac-thuc-hai-buoc/dang-ky/`: set up an authenticator app (first time, or a new phone)."""
    user = request.user
    if not user.is_verified() and user_has_device(user):
        # Replacing the app takes the second factor (a recovery code will do): never the password alone.
        return redirect(screen_url("portal_two_factor_verify", request.get_full_path()))
    device = two_factor.pending_device(user)
    form = TwoFactorEnrolForm(device, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        codes = two_factor.finish_enrolment(request, device)
        return TemplateResponse(
            request,
            "portal/admin/two_factor_codes.html",
            {"codes": codes, "next": next_url(request), "page_title": _("Your recovery codes")},
        )
    return TemplateResponse(
        request,
        "portal/admin/two_factor_enrol.html",
        {
            "form": form,
            "next": next_url(request),
            "qr": two_factor.qr_svg(device),
            "secret": two_factor.secret_of(device),
            "replacing": user.is_verified(),
            "may_skip": user.is_verified() or not two_factor.must_use_second_factor(user),
            "page_title": _("Set up two-factor sign-in"),
        },
    )


def reset_view(request, user_id: int):
    """`/admin/xac-thuc-hai-buoc/dat-lai/<user id>/`: a superuser takes away someone's app and recovery codes
    (a lost phone and no code left). Asks first; the reset is in the audit log."""
    if not request.user.is_superuser:
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=user_id)
    if request.method == "POST":
        two_factor.reset_devices(person, by=request.user)
        messages.success(
            request,
            _("Two-factor sign-in of %(name)s was reset: their app and recovery codes no longer work.")
            % {"name": person.get_username()},
        )
        return redirect("wagtailusers_users:edit", person.pk)
    return TemplateResponse(
        request,
        "portal/admin/two_factor_reset.html",
        {
            "person": person,
            "has_device": user_has_device(person),
            "required": two_factor.must_use_second_factor(person),
            "page_title": _("Reset two-factor sign-in"),
        },
    )
