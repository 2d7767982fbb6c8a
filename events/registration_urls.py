"""The events' public addresses besides Wagtail's pages, in both languages (`/dang-ky/…`, `/en/dang-ky/…`):
registration, tickets, subscriptions, self check-in, posters and the widget. See portal/urls.py."""

from django.urls import path, re_path

from . import registration_views as views
from . import self_check_in, widget_views
from . import subscription_views as subscriptions
from . import urls as _converters  # noqa: F401 (registers the row_id converter)

TOKEN = "<str:token>"

urlpatterns = [
    path("dang-ky/<row_id:session_id>/", views.register_view, name="register"),
    path("ve/quet/<str:code>/", views.ticket_scan_view, name="ticket-scan"),
    path(f"ve/{TOKEN}/", views.ticket_view, name="ticket"),
    path(f"ve/{TOKEN}/huy/", views.ticket_cancel_view, name="ticket-cancel"),
    path(f"ve/{TOKEN}/xoa-du-lieu/", views.ticket_erase_view, name="ticket-erase"),
    path(f"ve/{TOKEN}/lich.ics", views.ticket_calendar_view, name="ticket-calendar"),
    path("nhan-tin/", subscriptions.subscribe_view, name="subscribe"),
    path("nhan-tin/da-gui/", subscriptions.subscribe_sent_view, name="subscription-sent"),
    path(f"nhan-tin/xac-nhan/{TOKEN}/", subscriptions.confirm_view, name="subscription-confirm"),
    path(f"nhan-tin/{TOKEN}/", subscriptions.manage_view, name="subscription"),
    path(f"nhan-tin/{TOKEN}/huy/", subscriptions.end_view, name="subscription-end"),
    path("diem-danh/<str:code>/", self_check_in.self_check_in_view, name="self-check-in"),
    # The embeddable widget (SPEC §12): the only pages another site may frame.
    path("nhung/<str:code>/", widget_views.widget, name="widget"),
    # An event's poster: its own address with ap-phich/ after it (before Wagtail's pages, which would 404).
    re_path(r"^(?P<path>(?:[\w-]+/)+)ap-phich/$", self_check_in.poster_view, name="event-poster"),
]
