from django.urls import path

from . import views, visit_entry

app_name = "institutions"
urlpatterns = [
    path("api/v1/institutions", views.institution_list, name="api-list"),
    path("api/v1/visits", visit_entry.visit_entry_api, name="api-visits"),
]
