"""The sessions API: the listing's filtered sessions as JSON (SPEC §6)."""

from __future__ import annotations

from types import SimpleNamespace

from django.utils import timezone
from django.views.decorators.http import require_GET

from core.json_api import paginated_json
from core.links import page_urls
from institutions.models import InstitutionPage

from .choices import SessionStatus
from .filters import SessionFilter
from .models import EventPage, Session
from .seats import capacity_of, seats_left

API_DEFAULT_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 500
# The sessions counted past the page asked for: beyond, the answer says "more than" (`count_exact`).
API_COUNT_CAP = 1000


# A session as the API gives it, read as plain rows, as lists do (`SessionQuerySet.listed`): building a
# Wagtail page model for each of a page's hundred events would cost more than the rest. Its event's and
# institution's columns are read apart, by id: PostgreSQL plans the seven-table join of a filtered, sorted
# page in 6–17 ms, and each of these three small joins in well under 1 ms.
SESSION_COLUMNS = (
    "pk", "start", "end", "all_day", "status", "capacity", "seats_taken", "waiting", "checked_in",
    "event_id", "institution_id",
)  # fmt: skip
EVENT_COLUMNS = (
    "pk", "uid", "title", "url_path", "kind", "is_free", "campaign__slug", "registration_mode", "capacity",
)  # fmt: skip
INSTITUTION_COLUMNS = ("pk", "code", "title", "unit__code")


def serialise_sessions(sessions, request) -> list[dict]:
    """A page of the API: each session with its event, institution, audiences and topics (five queries)."""
    ids = list(sessions.values_list("pk", flat=True))
    by_id = {row["pk"]: row for row in Session.objects.filter(pk__in=ids).values(*SESSION_COLUMNS)}
    rows = [by_id[pk] for pk in ids]
    event_ids = {row["event_id"] for row in rows}
    events = {row["pk"]: row for row in EventPage.objects.filter(pk__in=event_ids).values(*EVENT_COLUMNS)}
    institution_ids = {row["institution_id"] for row in rows}
    institutions = InstitutionPage.objects.filter(pk__in=institution_ids).values(*INSTITUTION_COLUMNS)
    places = {row["pk"]: row for row in institutions}
    # In the order of the models' own (`Audience`, `Topic`), as the event page lists them.
    audiences = tags_of(EventPage.audiences.through, "audience__code", "audience_id", event_ids)
    topics = tags_of(EventPage.topics.through, "topic__slug", "topic__name", event_ids)
    # Each event's address once, however many of its sessions the page has.
    links = page_urls([event["url_path"] for event in events.values()], request)
    urls = {pk: request.build_absolute_uri(links[event["url_path"]]) for pk, event in events.items()}
    return [
        serialise_session(
            row, events[row["event_id"]], places[row["institution_id"]], audiences, topics, urls
        )
        for row in rows
    ]


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


def serialise_session(row: dict, event: dict, place: dict, audiences: dict, topics: dict, urls: dict) -> dict:
    event_id = row["event_id"]
    seats = SimpleNamespace(capacity=row["capacity"], seats_taken=row["seats_taken"])
    of_event = SimpleNamespace(capacity=event["capacity"])
    return {
        "event_uid": event["uid"],
        "title": event["title"],
        "start": timezone.localtime(row["start"]).isoformat(),
        "end": timezone.localtime(row["end"]).isoformat(),
        "all_day": row["all_day"],
        "status": row["status"],
        "kind": event["kind"],
        "audiences": audiences.get(event_id, []),
        "topics": topics.get(event_id, []),
        "campaign": event["campaign__slug"],
        "is_free": event["is_free"],
        "institution_code": place["code"],
        "institution_name": place["title"],
        "unit_code": place["unit__code"],
        "url": urls[event_id],
        # Registration (SPEC §9), read from the session's row and its event's: no query per session.
        "registration": event["registration_mode"],
        "capacity": capacity_of(seats, of_event),
        "seats_taken": row["seats_taken"],
        "seats_left": seats_left(seats, of_event),
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
