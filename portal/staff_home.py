"""The admin's home page for the person who opens it (issue 27): what is theirs to do, counts first.

An institution's editor sees their sessions of the past two weeks that have no attendance yet (each a
link to its row in the entry screen), their drafts and pages in review, and this week's sessions; an
area's officer sees the area's institutions with records missing; provincial staff see the province's
missing records by area. Wagtail's stock panels (recent edits, locked pages, the site summary) give
way; its review panels stay, as they list what awaits this person's review.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.models import Page, WorkflowState

from core.text import collation_key
from events.choices import SessionStatus
from events.models.sessions import Session
from institutions.models import InstitutionPage, ServiceRecord, VisitCount
from institutions.roles import institutions_for, is_provincial, scopes

UNRECORDED_DAYS = 14  # an editor's sessions without attendance: the past two weeks
MISSING_DAYS = 30  # an area's: the past month
SHOWN = 10


def unrecorded_sessions(since: dt.datetime, now: dt.datetime):
    """Sessions that have begun since `since`, are not cancelled and have no attendance record."""
    return (
        Session.objects.filter(start__gte=since, start__lte=now)
        .exclude(status=SessionStatus.CANCELLED)
        .filter(attendance__isnull=True)
    )


def attendance_link(session: Session) -> str:
    day = timezone.localtime(session.start).date()
    query = urlencode({"institution": session.institution_id, "first_day": day, "last_day": day})
    return f"{reverse('events_attendance_entry')}?{query}#id_s{session.pk}-attendees"


@dataclasses.dataclass
class Missing:
    """What an institution has not recorded: sessions of the past month without attendance, last month's
    visits, last year's service record."""

    institution: InstitutionPage
    sessions: int
    visits: bool
    service_record: bool

    @property
    def any(self) -> bool:
        return bool(self.sessions or self.visits or self.service_record)


def missing_records(institutions, today: dt.date) -> list[Missing]:
    now = timezone.now()
    since = now - dt.timedelta(days=MISSING_DAYS)
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    unrecorded = (
        unrecorded_sessions(since, now)
        .filter(institution=OuterRef("pk"))
        .order_by()
        .values("institution")
        .annotate(count=Count("pk"))
        .values("count")
    )
    rows = (
        InstitutionPage.objects.filter(pk__in=institutions.values("pk"))
        .select_related("unit")
        .annotate(
            unrecorded=Coalesce(Subquery(unrecorded, output_field=IntegerField()), Value(0)),
            has_visits=Exists(
                VisitCount.objects.filter(
                    institution=OuterRef("pk"), date__gte=last_month, date__lt=this_month
                )
            ),
            has_record=Exists(ServiceRecord.objects.filter(institution=OuterRef("pk"), year=today.year - 1)),
        )
        .order_by("sort_key")
    )
    return [Missing(row, row.unrecorded, not row.has_visits, not row.has_record) for row in rows]


@dataclasses.dataclass
class AreaMissing:
    name: str
    institutions: int = 0
    incomplete: int = 0
    sessions: int = 0
    visits: int = 0
    service_records: int = 0


def by_area(rows: list[Missing]) -> list[AreaMissing]:
    areas: dict[str, AreaMissing] = {}
    unknown = str(_("No area given"))
    for row in rows:
        name = str(row.institution.unit) if row.institution.unit_id else unknown
        area = areas.setdefault(name, AreaMissing(name))
        area.institutions += 1
        area.incomplete += row.any
        area.sessions += row.sessions
        area.visits += row.visits
        area.service_records += row.service_record
    return sorted(areas.values(), key=lambda area: (-area.incomplete, collation_key(area.name)))


class StaffHomePanel(Component):
    """One panel per role the user holds: editor, officer, provincial staff."""

    template_name = "portal/admin/home_panel.html"
    order = 50

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context):
        user = self.request.user
        today = timezone.localdate()
        context = {"today": today, "last_year": today.year - 1}
        own = [scope.institution_id for scope in scopes(user) if scope.institution_id]
        if own:
            context["editor"] = editor_context(InstitutionPage.objects.filter(pk__in=own), today)
        if is_provincial(user):
            rows = missing_records(InstitutionPage.objects.all(), today)
            context["province"] = {
                "areas": by_area(rows),
                "institutions": len(rows),
                "incomplete": sum(row.any for row in rows),
                "sessions": sum(row.sessions for row in rows),
            }
        elif any(scope.area_id for scope in scopes(user)):
            rows = missing_records(institutions_for(user), today)
            context["area"] = {
                "names": ", ".join(str(scope.area) for scope in scopes(user) if scope.area_id),
                "institutions": len(rows),
                "incomplete": [row for row in rows if row.any],
                "sessions": sum(row.sessions for row in rows),
            }
        return context


def editor_context(institutions, today: dt.date) -> dict:
    now = timezone.now()
    since = now - dt.timedelta(days=UNRECORDED_DAYS)
    unrecorded = unrecorded_sessions(since, now).filter(institution__in=institutions)
    monday = today - dt.timedelta(days=today.weekday())
    week = (
        Session.objects.filter(institution__in=institutions)
        .between(monday, monday + dt.timedelta(days=6))
        .select_related("event")
        .order_by("start")
    )
    pages = Page.objects.none()
    for institution in institutions:
        pages |= Page.objects.descendant_of(institution, inclusive=True)
    in_review = pages.filter(
        _workflow_states__status__in=[WorkflowState.STATUS_IN_PROGRESS, WorkflowState.STATUS_NEEDS_CHANGES]
    ).distinct()
    drafts = pages.filter(Q(live=False) | Q(has_unpublished_changes=True)).exclude(
        pk__in=in_review.values("pk")
    )
    unrecorded_shown = list(unrecorded.select_related("event").order_by("-start")[:SHOWN])
    for session in unrecorded_shown:
        session.entry_link = attendance_link(session)
    return {
        "names": ", ".join(institution.title for institution in institutions),
        "unrecorded_count": unrecorded.count(),
        "unrecorded": unrecorded_shown,
        "drafts_count": drafts.count(),
        "drafts": list(drafts.order_by("-latest_revision_created_at")[:SHOWN]),
        "in_review_count": in_review.count(),
        "in_review": list(in_review.order_by("-latest_revision_created_at")[:SHOWN]),
        "week_count": week.count(),
        "week": list(week[:20]),
    }
