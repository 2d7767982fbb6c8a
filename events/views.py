"""The sessions API: the listing's filtered sessions as JSON (SPEC §6)."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone
from django.views.decorators.http import require_GET

from core.json_api import paginated_json
from core.links import PageLink

from .choices import SessionStatus
from .filters import SessionFilter
from .models import EventPage, Session
from .seats import capacity_of, seats_left

API_DEFAULT_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 500
# The sessions counted past the page asked for: beyond, the answer says "more than" (`count_exact`).
API_COUNT_CAP = 1000


# The columns of a session as the API gives it: read as plain rows, as lists do (`SessionQuerySet.listed`),
# since building a Wagtail page model for each of a page's hundred events would cost more than the rest.
API_COLUMNS = (
    "pk", "start", "end", "all_day", "status", "capacity", "seats_taken", "waiting", "checked_in",
    "event_id", "event__uid", "event__title", "event__url_path", "event__kind", "event__is_free",
    "event__campaign__slug", "institution__code", "institution__title", "institution__unit__code",
    "event__registration_mode", "event__capacity",
)  # fmt: skip


def serialise_sessions(sessions, request) -> list[dict]:
    """A page of the API: each session with its event's audiences and topics (two queries for the page)."""
    rows = list(sessions.values(*API_COLUMNS))
    event_ids = {row["event_id"] for row in rows}
    # In the order of the models' own (`Audience`, `Topic`), as the event page lists them.
    audiences = tags_of(EventPage.audiences.through, "audience__code", "audience_id", event_ids)
    topics = tags_of(EventPage.topics.through, "topic__slug", "topic__name", event_ids)
    urls = {  # each event's address once, however many of its sessions the page has
        row["event_id"]: request.build_absolute_uri(PageLink(row["event__url_path"]).get_url(request))
        for row in rows
    }
    return [serialise_session(row, audiences, topics, urls) for row in rows]


def tags_of(through, column: str, order: str, event_ids: set[int]) -> dict[int, list[str]]:
    tags: dict[int, list[str]] = {}
    if event_ids:
        rows = (
            through.objects.filter(eventpage_id__in=event_ids)
            .order_by("pk")
            .values_list("eventpage_id", column)
        )
        for event_id, tag in rows:
            tags.setdefault(event_id, []).append(tag)
    return tags


def serialise_session(row: dict, audiences: dict, topics: dict, urls: dict) -> dict:
    event_id = row["event_id"]
    session = SimpleNamespace(capacity=row["capacity"], seats_taken=row["seats_taken"])
    event = SimpleNamespace(capacity=row["event__capacity"])
    return {
        "event_uid": row["event__uid"],
        "title": row["event__title"],
        "start": timezone.localtime(row["start"]).isoformat(),
        "end": timezone.localtime(row["end"]).isoformat(),
        "all_day": row["all_day"],
        "status": row["status"],
        "kind": row["event__kind"],
        "audiences": audiences.get(event_id, []),
        "topics": topics.get(event_id, []),
        "campaign": row["event__campaign__slug"],
        "is_free": row["event__is_free"],
        "institution_code": row["institution__code"],
        "institution_name": row["institution__title"],
        "unit_code": row["institution__unit__code"],
        "url": urls[event_id],
        # Registration (SPEC §9), read from the session's row and its event's: no query per session.
        "registration": row["event__registration_mode"],
        "capacity": capacity_of(session, event),
        "seats_taken": row["seats_taken"],
        "seats_left": seats_left(session, event),
        "waitlist": row["waiting"],
        "checked_in": row["checked_in"],
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
    """`GET /api/v1/sessions?<filters>`: `{"count", "count_exact", "next", "previous", "results"}` (SPEC §6);
    past 1,000 sessions, `count` is a lower bound and `count_exact` false."""
    queryset = Session.objects.filter(in_schedule=True).order_by("start", "pk")
    return paginated_json(
        request,
        SessionApiFilter,
        queryset,
        serialise_page=serialise_sessions,
        default_size=API_DEFAULT_PAGE_SIZE,
        max_size=API_MAX_PAGE_SIZE,
        count_cap=API_COUNT_CAP,
    )
