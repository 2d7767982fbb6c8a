from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.home import LockedPagesPanel, RecentEditsPanel
from wagtail.admin.widgets import Button
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import two_factor_views
from .dashboard import can_view_statistics, dashboard_view, drilldown_view
from .models import Target
from .report_views import yearly_report_view
from .staff_home import StaffHomePanel


@hooks.register("register_admin_urls")
def register_statistics_urls():
    return [
        path("statistics/", dashboard_view, name="portal_statistics"),
        path("statistics/areas/", drilldown_view, name="portal_statistics_areas"),
        path("statistics/bao-cao/<int:year>/", yearly_report_view, name="portal_yearly_report"),
    ]


@hooks.register("register_log_actions")
def register_report_log_actions(actions):
    """Who made which yearly report (the plan's section V), in the audit log."""
    actions.register_action("portal.yearly_report", _("Make the yearly report"), _("Made the yearly report"))


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_view_statistics(request.user)


@hooks.register("register_admin_menu_item")
def register_statistics_menu_item():
    return StatisticsMenuItem(_("Statistics"), reverse("portal_statistics"), icon_name="table", order=280)


class TargetViewSet(SnippetViewSet):
    model = Target
    icon = "pick"
    menu_label = _("Targets")
    add_to_admin_menu = False
    list_display = ["indicator", "group", "target_2025", "target_2030_min", "target_2030_max"]
    copy_view_enabled = False


register_snippet(TargetViewSet)


@hooks.register("construct_homepage_panels")
def staff_home_panels(request, panels):
    """The person's own work first (`staff_home`); Wagtail's review panels stay, its recent edits and
    locked pages go."""
    panels[:] = [panel for panel in panels if not isinstance(panel, RecentEditsPanel | LockedPagesPanel)]
    panels.append(StaffHomePanel(request))


@hooks.register("construct_homepage_summary_items")
def no_site_summary(request, summary_items):
    summary_items.clear()


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [
        path("xac-thuc-hai-buoc/", two_factor_views.verify_view, name="portal_two_factor_verify"),
        path("xac-thuc-hai-buoc/dang-ky/", two_factor_views.enrol_view, name="portal_two_factor_enrol"),
        path(
            "xac-thuc-hai-buoc/dat-lai/<int:user_id>/",
            two_factor_views.reset_view,
            name="portal_two_factor_reset",
        ),
    ]


@hooks.register("register_log_actions")
def register_two_factor_log_actions(actions):
    """Who set up or reset a second factor, in the audit log (the user's history)."""
    actions.register_action(
        "portal.otp_enrolled", _("Set up two-factor sign-in"), _("Two-factor sign-in was set up")
    )
    actions.register_action(
        "portal.otp_reset", _("Reset two-factor sign-in"), _("Two-factor sign-in was reset")
    )


@hooks.register("register_account_menu_item")
def two_factor_account_item(request):
    return {
        "url": reverse("portal_two_factor_enrol"),
        "label": _("Two-factor sign-in"),
        "help_text": _(
            "A code from an app on your phone after the password: set it up, or move it to a new phone."
        ),
    }


@hooks.register("register_user_listing_buttons")
def two_factor_reset_button(user, request_user):
    if request_user.is_superuser:
        yield Button(
            _("Reset two-factor sign-in"),
            reverse("portal_two_factor_reset", args=[user.pk]),
            icon_name="key",
            priority=60,
        )
