from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from institutions.record_admin import InstitutionRecordPolicy, InstitutionRecordViewSet
from institutions.roles import is_provincial, may_see_personal_data

from .admin_views import attendance_entry_view, can_enter_attendance
from .closure_views import closure_days_view, warn_about_closure_days
from .mail_report import MailReportView, subscriber_lookup_view
from .models import Attendance, Campaign, CheckIn, EventPage, Registration, Topic
from .roster_views import event_registrations_view, roster_view


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    list_display = ["name", "name_en", "slug"]
    search_fields = ["name", "name_en"]
    search_backend_name = None


class CampaignViewSet(SnippetViewSet):
    model = Campaign
    icon = "date"
    menu_label = _("Campaigns")
    list_display = ["name", "starts_on", "ends_on", "observance"]
    list_filter = ["observance"]
    search_fields = ["name", "name_en"]
    search_backend_name = None


# Attendance is added on the entry screen or by import (they know the session); here it is edited, by
# staff of the session's institution.
register_permission_policy(
    Attendance, InstitutionRecordPolicy(Attendance, "session__institution", addable=False)
)


class AttendanceViewSet(InstitutionRecordViewSet):
    model = Attendance
    copy_view_enabled = False

    icon = "group"
    menu_label = _("Attendance")
    list_display = ["session", "attendees", "recorded_by", "recorded_at"]
    list_export = ["session", "attendees", "children", "women", "disabled", "note", "recorded_at"]
    export_filename = "so-nguoi-tham-du"
    search_fields = ["session__event__title", "session__institution__code"]
    search_backend_name = None
    list_per_page = 50


class EventDataGroup(SnippetViewSetGroup):
    menu_label = _("Event data")
    menu_icon = "date"
    menu_order = 290
    items = (TopicViewSet, CampaignViewSet, AttendanceViewSet)


register_snippet(EventDataGroup)


@hooks.register("register_admin_urls")
def register_attendance_url():
    return [
        path("attendance/", attendance_entry_view, name="events_attendance_entry"),
        path("events/<int:pk>/closure-days/", closure_days_view, name="events_closure_days"),
        path("events/<int:pk>/registrations/", event_registrations_view, name="events_event_registrations"),
        path("sessions/<int:session_id>/roster/", roster_view, name="events_roster"),
        path("reports/mail/", MailReportView.as_view(), name="events_mail_report"),
        path("reports/mail/subscribers/", subscriber_lookup_view, name="events_subscriber_lookup"),
        path(
            "reports/mail/results/",
            MailReportView.as_view(results_only=True),
            name="events_mail_report_results",
        ),
    ]


class MailReportMenuItem(MenuItem):
    def is_shown(self, request):
        return is_provincial(request.user)


@hooks.register("register_reports_menu_item")
def register_mail_report_menu_item():
    return MailReportMenuItem(
        _("Mail"), reverse("events_mail_report"), name="mail", icon_name="mail", order=900
    )


@hooks.register("register_log_actions")
def register_roster_log_actions(actions):
    """Who read or exported residents' data (Decree 13/2023/NĐ-CP), in the audit log."""
    actions.register_action("events.roster_viewed", _("View the roster"), _("Viewed the roster"))
    actions.register_action("events.roster_exported", _("Export the roster"), _("Exported the roster"))
    actions.register_action(
        "events.registration_cancelled", _("Cancel a registration"), _("Cancelled a registration")
    )
    actions.register_action("events.ticket_viewed", _("Open a ticket's code"), _("Opened a ticket's code"))
    actions.register_action("events.checked_in", _("Check a ticket in"), _("Checked a ticket in"))
    actions.register_action("events.check_in_undone", _("Undo a check-in"), _("Undid a check-in"))
    actions.register_action(
        "events.subscription_viewed", _("Look up a subscriber"), _("Looked up a subscriber's subscription")
    )
    actions.register_action(
        "events.subscription_ended", _("End a subscription"), _("Ended a subscription for its subscriber")
    )


def registrations_button(page, user, button_class, **kwargs):
    if (
        not isinstance(page.specific_deferred, EventPage)
        or page.specific_deferred.registration_mode == "none"
    ):
        return
    if may_see_personal_data(user, page.get_parent().pk):
        yield button_class(
            _("Registrations"),
            reverse("events_event_registrations", args=[page.pk]),
            icon_name="group",
            priority=55,
        )


def poster_button(page, user, button_class):
    """The self check-in poster, for the staff of the event's institution (a live event only)."""
    if (
        page.live
        and isinstance(page.specific_deferred, EventPage)
        and may_see_personal_data(user, page.get_parent().pk)
    ):
        yield button_class(_("Check-in poster"), page.url + "ap-phich/", icon_name="doc-full", priority=56)


@hooks.register("register_page_header_buttons")
def event_registrations_header_button(page, user, view_name=None, next_url=None):
    yield from registrations_button(page, user, Button)
    yield from poster_button(page, user, Button)


@hooks.register("register_page_listing_more_buttons")
def event_registrations_listing_button(page, user, next_url=None):
    yield from registrations_button(page, user, Button)
    yield from poster_button(page, user, Button)


@hooks.register("after_publish_page")
def closure_days_warning(request, page):
    warn_about_closure_days(request, page)


class AttendanceMenuItem(MenuItem):
    def is_shown(self, request):
        return can_enter_attendance(request.user)


@hooks.register("register_admin_menu_item")
def register_attendance_menu_item():
    return AttendanceMenuItem(
        _("Attendance entry"), reverse("events_attendance_entry"), icon_name="group", order=285
    )


@hooks.register("before_delete_page")
def keep_events_with_attendance(request, page):
    """Deleting an event (or its institution) would lose recorded attendance: refuse and say why."""
    if (
        Attendance.objects.filter(session__event__path__startswith=page.path).exists()
        or CheckIn.objects.filter(session__event__path__startswith=page.path).exists()
    ):
        messages.error(
            request,
            _("%(title)s has sessions with recorded attendance, so it cannot be deleted; unpublish it.")
            % {"title": page.get_admin_display_title()},
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    # Residents' tickets would vanish without a word: cancel the sessions (they are told), or unpublish.
    if Registration.objects.filter(event__path__startswith=page.path).exclude(status="cancelled").exists():
        messages.error(
            request,
            _(
                "%(title)s has sessions that residents registered for, so it cannot be deleted: cancel "
                "those sessions from their rosters (the registrants are told), or unpublish it."
            )
            % {"title": page.get_admin_display_title()},
        )
        return redirect("wagtailadmin_explore", page.get_parent().pk)
    return None
