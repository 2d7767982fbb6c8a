from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("api/v1/sessions", views.session_list, name="api-sessions"),
    path("feeds/events.ics", views.events_feed, name="feed"),
    path("feeds/events/<int:pk>.ics", views.event_feed, name="event-feed"),
    path("feeds/institutions/<str:code>.ics", views.institution_feed, name="institution-feed"),
]
