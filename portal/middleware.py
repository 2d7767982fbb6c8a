from csp.middleware import CSPMiddleware, PolicyParts


class PortalCSPMiddleware(CSPMiddleware):
    """A strict Content-Security-Policy on the public site, and what the Wagtail admin needs on /admin/."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith("/admin/") and not report_only:
            from django.conf import settings

            parts.replace = settings.CONTENT_SECURITY_POLICY_ADMIN
        return parts
