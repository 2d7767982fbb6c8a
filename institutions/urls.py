from django.urls import path

from . import views

app_name = "institutions"
urlpatterns = [
    path("api/v1/institutions", views.institution_list, name="api-list"),
]
