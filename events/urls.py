from django.urls import path, register_converter

from . import entry_views, feeds, offline_views, views


class RowIdConverter:
    """A database id: digits that fit a 64-bit column. Longer ones match no URL (404), never a query."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(RowIdConverter, "row_id")

app_name = "events"
urlpatterns = [
    path("api/v1/sessions", views.session_list, name="api-sessions"),
    path("api/v1/attendance", entry_views.attendance_entry_api, name="api-attendance"),
    # The offline entry app (SPEC §10), in Vietnamese only: its scope is /nhap-lieu/.
    path("nhap-lieu/", offline_views.entry_app, name="entry-app"),
    path("nhap-lieu/du-lieu.json", offline_views.entry_app_data, name="entry-app-data"),
    path("nhap-lieu/sw.js", offline_views.service_worker, name="entry-app-worker"),
    path("nhap-lieu/manifest.webmanifest", offline_views.manifest, name="entry-app-manifest"),
    path("feeds/events.ics", feeds.events_feed, name="feed"),
    path("feeds/events/<row_id:pk>.ics", feeds.event_feed, name="event-feed"),
    path("feeds/institutions/<str:code>.ics", feeds.institution_feed, name="institution-feed"),
]
