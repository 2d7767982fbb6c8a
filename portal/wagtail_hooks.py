from django.templatetags.static import static
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.home import LockedPagesPanel, RecentEditsPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

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
