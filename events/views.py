"""The sessions API: the listing's filtered sessions as JSON (SPEC §6)."""

from __future__ import annotations

from django.utils import timezone
from django.views.decorators.http import require_GET

from core.json_api import paginated_json

from .choices import SessionStatus
from .filters import SessionFilter
from .models import Session
from .seats import capacity_of, seats_left

API_DEFAULT_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 500


def serialise_session(session: Session, request) -> dict:
    event = session.event
    return {
        "event_uid": event.uid,
        "title": event.title,
        "start": timezone.localtime(session.start).isoformat(),
        "end": timezone.localtime(session.end).isoformat(),
        "all_day": session.all_day,
        "status": session.status,
        "kind": event.kind,
        "audiences": [audience.code for audience in event.audiences.all()],
        "topics": [topic.slug for topic in event.topics.all()],
        "campaign": event.campaign.slug if event.campaign else None,
        "is_free": event.is_free,
        "institution_code": session.institution.code,
        "institution_name": session.institution.title,
        "unit_code": session.institution.unit.code,
        "url": request.build_absolute_uri(event.get_url(request)),
        # Registration (SPEC §9), read from the session's row and its event's: no query per session.
        "registration": event.registration_mode,
        "capacity": capacity_of(session, event),
        "seats_taken": session.seats_taken,
        "seats_left": seats_left(session, event),
        "waitlist": session.waiting,
        "checked_in": session.checked_in,
    }


class SessionApiFilter(SessionFilter):
    """The listing's filters, with cancelled sessions left out unless `include_cancelled=1`."""

    @property
    def qs(self):
        sessions = super().qs
        if self.data.get("include_cancelled") not in {"1", "true"}:
            sessions = sessions.exclude(status=SessionStatus.CANCELLED)
        return sessions


@require_GET
def session_list(request):
    """`GET /api/v1/sessions?<filters>`: `{"count", "next", "previous", "results"}` (SPEC §6)."""
    queryset = (
        Session.objects.for_listing()
        .select_related("event__campaign")
        .prefetch_related("event__audiences", "event__topics")
        .order_by("start", "pk")
    )
    return paginated_json(
        request,
        SessionApiFilter,
        queryset,
        serialise_session,
        default_size=API_DEFAULT_PAGE_SIZE,
        max_size=API_MAX_PAGE_SIZE,
    )
