"""Registration's public addresses, in both languages (`/dang-ky/…`, `/en/dang-ky/…`): see portal/urls.py."""

from django.urls import path

from . import registration_views as views
from . import urls as _converters  # noqa: F401 (registers the row_id converter)

TOKEN = "<str:token>"

urlpatterns = [
    path("dang-ky/<row_id:session_id>/", views.register_view, name="register"),
    path("ve/quet/<str:code>/", views.ticket_scan_view, name="ticket-scan"),
    path(f"ve/{TOKEN}/", views.ticket_view, name="ticket"),
    path(f"ve/{TOKEN}/huy/", views.ticket_cancel_view, name="ticket-cancel"),
    path(f"ve/{TOKEN}/xoa-du-lieu/", views.ticket_erase_view, name="ticket-erase"),
    path(f"ve/{TOKEN}/lich.ics", views.ticket_calendar_view, name="ticket-calendar"),
]
