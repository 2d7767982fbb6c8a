from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from . import open_data
from .results import results_view
from .search import search

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("", include("institutions.urls")),
    path("", include("events.urls")),
    # Open data: the same files in every language (their columns are names, not words).
    path("du-lieu-mo/catalog.jsonld", open_data.catalog, name="open_data_catalog"),
    path("du-lieu-mo/<slug:dataset>.<str:fmt>", open_data.download, name="open_data_download"),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # Uploaded images (the photos of pages and cards), unless a reverse proxy serves them (SERVE_MEDIA=0).
    # Only images: documents go through Wagtail's view (/documents/), which applies their privacy.
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>(?:original_images|images)/.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

# Public pages: Vietnamese at the root, English under /en/.
urlpatterns += i18n_patterns(
    path("tim-kiem/", search, name="search"),
    path("ket-qua/", results_view, name="results"),
    path("du-lieu-mo/", open_data.open_data_page, name="open_data"),
    path("", include("events.registration_urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
