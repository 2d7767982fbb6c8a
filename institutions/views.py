"""The JSON directory: `GET /api/v1/institutions?<filters>` (SPEC §6)."""

from django.views.decorators.http import require_GET

from core.json_api import paginated_json

from .filters import InstitutionFilter
from .models import InstitutionPage

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def serialise(institution: InstitutionPage, request) -> dict:
    return {
        "code": institution.code,
        "name": institution.title,
        "kind": institution.kind,
        "level": institution.level,
        "sector": institution.sector,
        "unit_code": institution.unit.code,
        "unit_name": str(institution.unit),
        "address": institution.address,
        "latitude": float(institution.latitude) if institution.latitude is not None else None,
        "longitude": float(institution.longitude) if institution.longitude is not None else None,
        "phone": institution.phone,
        "email": institution.email,
        "website": institution.website,
        "opened_on": institution.opened_on.isoformat() if institution.opened_on else None,
        "closed_on": institution.closed_on.isoformat() if institution.closed_on else None,
        # The host the client used, so links work behind any hostname the site answers to.
        "url": request.build_absolute_uri(institution.get_url(request)),
    }


@require_GET
def institution_list(request):
    queryset = InstitutionPage.objects.live().select_related("unit").order_by("sort_key", "pk")
    return paginated_json(
        request,
        InstitutionFilter,
        queryset,
        serialise,
        default_size=DEFAULT_PAGE_SIZE,
        max_size=MAX_PAGE_SIZE,
    )
