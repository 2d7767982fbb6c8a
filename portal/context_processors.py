from django.utils.functional import SimpleLazyObject

from events.models import EventIndexPage
from institutions.models import InstitutionIndexPage


def site_navigation(request):
    """The directory and calendar pages, for the header on every page (looked up only when used)."""
    return {
        "nav_directory": SimpleLazyObject(lambda: InstitutionIndexPage.objects.live().first()),
        "nav_calendar": SimpleLazyObject(lambda: EventIndexPage.objects.live().first()),
    }
