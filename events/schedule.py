"""Expanding an event's schedule into occurrences and storing them as sessions.

Sessions are materialised when an event is published or changed (signals in `signals.py`) and the
horizon moves forward daily (`manage.py extend_sessions`). Nothing expands rules per request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.rrule import rrulestr
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from core.public_cache import content_changed
from institutions.models import Closure

from . import tallies
from .choices import SessionStatus, Venue
from .feed_entries import write_entries
from .models import EventDate, EventPage, Registration, RegistrationStatus, Session, is_long
from .recurrence import parse_rule, until_day, until_value
from .registering import hold_new_course_sessions, promote_waiting, tell_registrants


@dataclass(frozen=True)
class Occurrence:
    original_start: dt.datetime
    start: dt.datetime
    end: dt.datetime
    all_day: bool
    is_extra: bool = False
    status: str = SessionStatus.SCHEDULED
    note: str = ""


def horizon(now: dt.datetime | None = None) -> dt.datetime:
    """How far ahead sessions are stored (EVENTS_SESSION_HORIZON_DAYS, 18 months by default)."""
    return (now or timezone.now()) + dt.timedelta(days=settings.EVENTS_SESSION_HORIZON_DAYS)


def local_zone():
    return timezone.get_default_timezone()


def first_start_and_duration(event: EventPage) -> tuple[dt.datetime, dt.timedelta]:
    """The first occurrence's start (local, aware) and every occurrence's length.

    An all-day event runs from local midnight of its first day to midnight after its last day.
    """
    start = timezone.localtime(event.start, local_zone())
    end = timezone.localtime(event.end, local_zone())
    if event.all_day:
        first_day, last_day = start.date(), max(end.date(), start.date())
        start = dt.datetime.combine(first_day, dt.time.min, tzinfo=local_zone())
        return start, dt.timedelta(days=(last_day - first_day).days + 1)
    return start, max(end - start, dt.timedelta(0))


def rule_starts(rule: str, dtstart: dt.datetime, until: dt.datetime) -> list[dt.datetime]:
    """The starts a rule gives from `dtstart` up to `until`, in local time."""
    parts = parse_rule(rule)
    if "UNTIL" in parts:
        # dateutil wants UNTIL in UTC when DTSTART carries a zone; a date-only UNTIL means that whole day.
        day = until_day(parts["UNTIL"])
        parts["UNTIL"] = until_value(day) if day else parts["UNTIL"]
    text = ";".join(f"{key}={value}" for key, value in parts.items())
    rule_set = rrulestr(text, dtstart=dtstart)
    return [moment.astimezone(local_zone()) for moment in rule_set.between(dtstart, until, inc=True)]


def occurrences(event: EventPage, until: dt.datetime | None = None) -> list[Occurrence]:
    """Every occurrence of `event` from its first one up to `until` (the horizon by default)."""
    until = until or horizon()
    first, duration = first_start_and_duration(event)
    starts = rule_starts(event.rrule, first, until) if event.rrule else [first]
    if event.rrule and first not in starts and first <= until:
        starts.insert(0, first)  # RFC 5545: DTSTART is always the first instance

    dates = list(event.dates.all())
    excluded = {d.date for d in dates if d.kind == EventDate.Kind.EXCLUDE}
    extras = set()
    for extra in (d.date for d in dates if d.kind == EventDate.Kind.EXTRA):
        moment = dt.datetime.combine(extra, first.timetz())
        if moment <= until and moment not in starts:
            extras.add(moment)
    all_starts = sorted({start for start in [*starts, *extras] if start.date() not in excluded})

    changes = {change.original_date: change for change in event.changes.all()}
    closed = closure_notes(event)
    result = []
    for start in all_starts:
        base = {"original_start": start, "all_day": event.all_day, "is_extra": start in extras}
        change = changes.get(start.date())
        if change is None and (note := closed(start.date())) is not None:
            # The institution is closed that day: the session does not take place, and says why.
            result.append(
                Occurrence(
                    start=start, end=start + duration, status=SessionStatus.CANCELLED, note=note, **base
                )
            )
        elif change is None:
            result.append(Occurrence(start=start, end=start + duration, **base))
        elif change.cancelled:
            result.append(
                Occurrence(
                    start=start,
                    end=start + duration,
                    status=SessionStatus.CANCELLED,
                    note=change.note,
                    **base,
                )
            )
        else:
            new_start = timezone.localtime(change.new_start, local_zone())
            new_end = timezone.localtime(change.new_end, local_zone()) if change.new_end else None
            result.append(
                Occurrence(
                    start=new_start,
                    end=new_end or new_start + duration,
                    status=SessionStatus.MOVED,
                    note=change.note,
                    **base,
                )
            )
    return result


def closure_notes(event: EventPage):
    """For an event held at its institution: a function giving, for a day, why the institution is closed
    then ("Cơ sở nghỉ: Tết Nguyên đán"), or None when it is open (`Closure` rules: date ranges, monthly)."""
    if event.venue != Venue.INSTITUTION:
        return lambda day: None
    parent = event.get_parent()
    closures = list(Closure.objects.filter(page_id=parent.pk)) if parent else []

    def note(day: dt.date) -> str | None:
        for closure in closures:
            if closure.applies_on(day):
                with translation.override(settings.LANGUAGE_CODE):  # stored, as editors' notes are
                    closed = gettext("The institution is closed")
                return f"{closed}: {closure.reason}" if closure.reason else closed
        return None

    return note


def closure_days(event: EventPage) -> list[dt.date]:
    """The days of the event's sessions that fall on its institution's closure days and that no date off
    or session change of the event covers yet (they show as cancelled until one does)."""
    closed = closure_notes(event)
    covered = set(event.changes.values_list("original_date", flat=True))
    sessions = (
        event.sessions.filter(in_schedule=True)
        .order_by("original_start")
        .values_list("original_start", flat=True)
    )
    days = (timezone.localtime(start).date() for start in sessions)
    return [day for day in days if day not in covered and closed(day) is not None]


@tallies.counting()  # one transaction; the event's tallies counted at its end
def materialise_sessions(
    event: EventPage, until: dt.datetime | None = None, *, rewrite_feed: bool = True
) -> tuple[int, int, int]:
    """Make the stored sessions of `event` match its schedule. Returns (created, updated, removed).

    A session the schedule no longer has is deleted, unless something was recorded against it:
    then it stays, marked as no longer scheduled, so no count is lost. The event's stored VEVENTs
    are written again in the same transaction: always (a publication may change any of what they
    say), or with `rewrite_feed=False` only when a session changed (the nightly extension).
    """
    event = EventPage.objects.get(pk=event.pk)
    institution_id = event.get_parent().pk
    wanted = {occ.original_start: occ for occ in occurrences(event, until)}
    # Locked in id order, as taking seats locks them (`events.registering`): never a deadlock.
    locked = Session.objects.select_for_update().filter(event=event).order_by("pk")
    existing = {s.original_start: s for s in locked}
    anyone_waiting = any(s.waiting for s in existing.values())

    created, updated = [], []
    cancelled, moved = [], []  # sessions whose registrants are told (SPEC §9)
    for key, occ in wanted.items():
        values = {
            "start": occ.start,
            "end": occ.end,
            "all_day": occ.all_day,
            "is_extra": occ.is_extra,
            "status": occ.status,
            "note": occ.note,
            "in_schedule": True,
            "institution_id": institution_id,
            "spans_days": is_long(occ.start, occ.end),
        }
        session = existing.pop(key, None)
        if session is None:
            created.append(Session(event=event, original_start=key, **values))
        elif any(getattr(session, name) != value for name, value in values.items()):
            if session.status != SessionStatus.CANCELLED and occ.status == SessionStatus.CANCELLED:
                cancelled.append(session.pk)
            elif occ.status != SessionStatus.CANCELLED and session.start != occ.start:
                moved.append(session.pk)
            for name, value in values.items():
                setattr(session, name, value)
            updated.append(session)

    # Sessions beyond `until` are left alone: a shorter horizon must not delete future sessions.
    limit = until or horizon()
    dropped = [s for key, s in existing.items() if key <= limit or not wanted]
    kept = [s for s in dropped if s.has_records()]
    newly_dropped = [s.pk for s in kept if s.in_schedule and s.status != SessionStatus.CANCELLED]
    for session in kept:
        session.in_schedule = False
    Session.objects.bulk_create(created)
    if event.whole_course and created:
        hold_new_course_sessions(event, [s for s in created if s.status != SessionStatus.CANCELLED])
    Session.objects.bulk_update(
        updated + kept,
        ["start", "end", "all_day", "is_extra", "status", "note", "in_schedule", "institution", "spans_days"],
    )
    cancelled += newly_dropped  # told once, when it leaves the schedule
    tell_registrants(held_sessions(cancelled), "cancelled")
    tell_registrants(held_sessions(moved), "moved")
    removed = [s.pk for s in dropped if not s.has_records()]
    Session.objects.filter(pk__in=removed).delete()
    if created or updated or dropped:
        transaction.on_commit(content_changed)  # bulk writes send no signals
    if rewrite_feed or created or updated or dropped:
        write_entries([event.pk])
    if anyone_waiting:  # more seats in this publication go to the waiting list
        promote_waiting(event)
    if created or updated or dropped:
        tallies.changed([event.pk])  # bulk writes send no signals
    return len(created), len(updated), len(removed)


def held_sessions(session_ids: list[int]) -> list[int]:
    """Of the sessions, those someone holds a place in (their registrants are told of a change)."""
    if not session_ids:
        return []
    held = Registration.objects.filter(places__in=session_ids).exclude(status=RegistrationStatus.CANCELLED)
    return sorted(set(held.values_list("places", flat=True)) & set(session_ids))


@tallies.counting()
def remove_sessions(event: EventPage) -> int:
    """An unpublished or deleted event keeps only the sessions that have records."""
    sessions = list(Session.objects.select_for_update().filter(event=event).order_by("pk"))
    kept = [s for s in sessions if s.has_records()]
    for session in kept:
        session.in_schedule = False
    Session.objects.bulk_update(kept, ["in_schedule"])
    count, _ = Session.objects.filter(pk__in=[s.pk for s in sessions if not s.has_records()]).delete()
    if sessions:
        transaction.on_commit(content_changed)
    write_entries([event.pk])  # an empty row: the event has left every feed
    if sessions:
        tallies.changed([event.pk])
    return count
