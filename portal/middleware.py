import functools

from csp.middleware import CSPMiddleware, PolicyParts
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django_otp import user_has_device

from . import two_factor
from .two_factor_views import screen_url


class PortalCSPMiddleware(CSPMiddleware):
    """A strict Content-Security-Policy on the public site, and what the Wagtail admin needs on /admin/."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith("/admin/") and not report_only:
            from django.conf import settings

            parts.replace = settings.CONTENT_SECURITY_POLICY_ADMIN
        return parts


# What someone who still owes the second factor may open in the admin: the two screens, signing out, and
# what those pages load (the icons and the scripts' translations).
OPEN_BEFORE_VERIFICATION = (
    "portal_two_factor_verify",
    "portal_two_factor_enrol",
    "wagtailadmin_logout",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
)


class TwoFactorMiddleware:
    """After django-otp's OTPMiddleware: who signed in with the password only and owes a second factor
    (`two_factor.needs_verification`) gets, for every admin address, a redirect (302) to the verification
    screen, or to enrolment when they have no app yet. Outside the admin they are anonymous until then, so
    that no staff screen or API elsewhere (the entry app, a ticket's check-in) takes the password alone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(reverse("wagtailadmin_home")):
            if (
                path not in {reverse(name) for name in OPEN_BEFORE_VERIFICATION}
                and request.user.is_authenticated
                and two_factor.needs_verification(request.user)
            ):
                return self.redirect(request)
        else:
            request.user = SimpleLazyObject(functools.partial(self.outside_admin, request.user))
        return self.get_response(request)

    @staticmethod
    def redirect(request):
        going_to = request.get_full_path() if request.method == "GET" else reverse("wagtailadmin_home")
        name = "portal_two_factor_verify" if user_has_device(request.user) else "portal_two_factor_enrol"
        return redirect(screen_url(name, going_to))

    @staticmethod
    def outside_admin(user):
        if user.is_authenticated and two_factor.needs_verification(user):
            anonymous = AnonymousUser()
            anonymous.otp_device = None
            anonymous.is_verified = lambda: False
            return anonymous
        return user
