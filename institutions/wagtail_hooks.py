from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .admin_views import can_enter_visits, visit_grid_view
from .import_views import can_import, import_run_view, import_view
from .models import AdministrativeUnit, Commendation, ServiceRecord, VisitCount
from .record_admin import InstitutionRecordPolicy, InstitutionRecordViewSet

register_permission_policy(ServiceRecord, InstitutionRecordPolicy(ServiceRecord))
register_permission_policy(VisitCount, InstitutionRecordPolicy(VisitCount))


class AdministrativeUnitViewSet(SnippetViewSet):
    model = AdministrativeUnit
    icon = "site"
    menu_label = _("Administrative units")
    list_display = ["code", "__str__", "level", "parent", "valid_from", "valid_to"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    search_backend_name = None
    inspect_view_enabled = True
    list_per_page = 50


class ServiceRecordViewSet(InstitutionRecordViewSet):
    model = ServiceRecord
    icon = "tasks"
    menu_label = _("Service records")
    list_display = ["institution", "year", "lifelong_learning_services", "digital_transformation"]
    list_export = [*list_display, "note"]
    export_filename = "ho-so-dich-vu"
    list_filter = ["year", "lifelong_learning_services", "digital_transformation"]
    search_fields = ["institution__title", "institution__code", "note"]
    search_backend_name = None
    list_per_page = 50


class VisitCountViewSet(InstitutionRecordViewSet):
    model = VisitCount
    icon = "group"
    menu_label = _("Visit counts")
    list_display = ["institution", "period", "date", "purpose", "channel", "visits"]
    list_export = list_display
    export_filename = "luot-den"
    list_filter = ["period", "purpose", "channel"]
    search_fields = ["institution__title", "institution__code"]
    search_backend_name = None
    list_per_page = 50


class CommendationViewSet(SnippetViewSet):
    """The province's commendations (provincial staff hold its permissions, `roles.province_group`)."""

    model = Commendation
    icon = "success"
    menu_label = _("Commendations")
    list_display = ["year", "decision_number", "title", "institution", "person_name", "consent_recorded"]
    list_filter = ["year", "consent_recorded"]
    search_fields = ["title", "decision_number", "institution__title", "person_name"]
    search_backend_name = None
    list_per_page = 50


class DirectoryDataGroup(SnippetViewSetGroup):
    menu_label = _("Directory data")
    menu_icon = "folder-open-inverse"
    menu_order = 300
    items = (AdministrativeUnitViewSet, ServiceRecordViewSet, VisitCountViewSet, CommendationViewSet)


register_snippet(DirectoryDataGroup)


@hooks.register("register_admin_urls")
def register_import_url():
    return [
        path("import/", import_view, name="institutions_import"),
        path("import/<int:pk>/", import_run_view, name="institutions_import_run"),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import(request.user)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(_("Import data"), reverse("institutions_import"), icon_name="upload", order=310)


@hooks.register("register_admin_urls")
def register_visit_grid_url():
    return [path("visits/", visit_grid_view, name="institutions_visit_grid")]


class VisitMenuItem(MenuItem):
    def is_shown(self, request):
        return can_enter_visits(request.user)


@hooks.register("register_admin_menu_item")
def register_visit_menu_item():
    return VisitMenuItem(_("Visit entry"), reverse("institutions_visit_grid"), icon_name="group", order=286)
