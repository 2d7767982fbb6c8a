"""`import_data events FILE.ics --institution CODE [--draft]`: events from an iCalendar file (SPEC §7).

The UID is the key: a known UID updates its event, an unchanged one is left alone. RRULE, EXDATE,
RDATE, RECURRENCE-ID overrides, TZID, all-day events and STATUS:CANCELLED are honoured; CATEGORIES
naming an event kind, an audience or a topic set them, other categories become new topics.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

from django import forms
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar

from core.text import ascii_slug, fold_text
from institutions.importing import (
    Change,
    Importer,
    ImportFileError,
    RowError,
    register,
)
from institutions.models import InstitutionPage

from .. import tallies
from ..choices import AudienceCode, EventKind, Venue
from ..models import Audience, EventDate, EventPage, SessionChange, Topic
from ..recurrence import parse_rule


@dataclass
class ImportedEvent:
    """What one UID of the file says, in the portal's terms."""

    uid: str
    line: int
    title: str
    start: dt.datetime
    end: dt.datetime
    all_day: bool
    rrule: str
    description: str
    kind: str
    venue: str
    venue_address: str
    audiences: set[str] = field(default_factory=set)
    topics: set[str] = field(default_factory=set)  # names
    excluded: set[dt.date] = field(default_factory=set)
    extra: set[dt.date] = field(default_factory=set)
    # original date -> (cancelled, new start, new end)
    changes: dict[dt.date, tuple[bool, dt.datetime | None, dt.datetime | None]] = field(default_factory=dict)

    def signature(self) -> dict:
        return {
            "title": self.title,
            "start": self.start,
            "end": self.end,
            "all_day": self.all_day,
            "rrule": self.rrule,
            "description": self.description,
            "kind": self.kind,
            "venue": self.venue,
            "venue_address": self.venue_address,
            "audiences": sorted(self.audiences),
            "topics": sorted(self.topics),
            "excluded": sorted(self.excluded),
            "extra": sorted(self.extra),
            "changes": sorted(self.changes.items()),
        }


def event_signature(event: EventPage) -> dict:
    dates = list(event.dates.all())
    return {
        "title": event.title,
        "start": event.start,
        "end": event.end,
        "all_day": event.all_day,
        "rrule": event.rrule,
        "description": event.description,
        "kind": event.kind,
        "venue": event.venue,
        "venue_address": event.venue_address,
        "audiences": sorted(a.code for a in event.audiences.all()),
        "topics": sorted(t.name for t in event.topics.all()),
        "excluded": sorted(d.date for d in dates if d.kind == EventDate.Kind.EXCLUDE),
        "extra": sorted(d.date for d in dates if d.kind == EventDate.Kind.EXTRA),
        "changes": sorted(
            (c.original_date, (c.cancelled, c.new_start, c.new_end)) for c in event.changes.all()
        ),
    }


def text_to_html(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    return "".join(f"<p>{html.escape(p).replace(chr(10), '<br/>')}</p>" for p in paragraphs)


def local(value: dt.date | dt.datetime) -> tuple[dt.datetime, bool]:
    """An iCalendar DATE or DATE-TIME as a local aware datetime, and whether it was a DATE."""
    zone = timezone.get_default_timezone()
    if not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time.min, tzinfo=zone), True
    if value.tzinfo is None:  # floating time: the portal's time
        return value.replace(tzinfo=zone), False
    return value.astimezone(zone), False


def category_lookup() -> dict[str, tuple[str, str]]:
    """Folded names and codes of kinds, audiences and topics -> (what, code)."""
    lookup: dict[str, tuple[str, str]] = {}
    for what, choices in (("kind", EventKind.choices), ("audience", AudienceCode.choices)):
        for code, label in choices:
            lookup[fold_text(code)] = (what, code)
            lookup[fold_text(code.replace("_", " "))] = (what, code)
            for language in ("vi", "en"):
                with translation.override(language):
                    lookup[fold_text(str(label))] = (what, code)
    for topic in Topic.objects.all():
        for name in (topic.name, topic.name_en, topic.slug):
            if name:
                lookup[fold_text(name)] = ("topic", topic.name)
    return lookup


IMPORTED_FIELDS = (
    "title",
    "start",
    "end",
    "all_day",
    "rrule",
    "description",
    "kind",
    "venue",
    "venue_address",
)


@register
class EventImporter(Importer):
    kind = "events"
    label = gettext_lazy("Events (iCalendar)")
    order = 20
    file_extensions = (".ics",)
    # Set by `plan` for the institution of the file.
    publishing = False
    for_review = False

    @classmethod
    def add_arguments(cls, parser) -> None:
        parser.add_argument(
            "--institution", required=True, help="code of the institution the events belong to"
        )
        parser.add_argument("--draft", action="store_true", help="import as drafts instead of publishing")

    @classmethod
    def option_fields(cls) -> dict[str, forms.Field]:
        return {
            "institution": forms.CharField(
                label=gettext_lazy("Institution code (for events)"), required=False, max_length=32
            ),
            "draft": forms.BooleanField(label=gettext_lazy("Import events as drafts"), required=False),
        }

    def plan(self, data: bytes) -> tuple[list[Change], list[RowError]]:
        code = (self.options.get("institution") or "").strip()
        institution = InstitutionPage.objects.filter(code=code).first() if code else None
        if institution is None:
            raise ImportFileError(
                _("Give the code of an existing institution (--institution): “%(code)s” is unknown.")
                % {"code": code}
            )
        allowed = self.allowed_institution_ids()
        if allowed is not None and institution.pk not in allowed:
            raise ImportFileError(self.outside_scope(1, institution).message)
        # An editor who may not publish at the institution gets drafts, submitted to the province's review.
        self.for_review = not self.options.get("draft") and not self.may_publish(institution)
        self.publishing = not self.options.get("draft") and not self.for_review
        try:
            calendar = Calendar.from_ical(data.decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise ImportFileError(_("The file is not UTF-8 text.")) from error
        except ValueError as error:
            raise ImportFileError(_("This is not an iCalendar file: %(error)s") % {"error": error}) from error
        if calendar.name != "VCALENDAR":
            raise ImportFileError(_("This is not an iCalendar file: it has no VCALENDAR."))

        lines = vevent_lines(data)
        components = calendar.walk("VEVENT")
        masters: dict[str, tuple[int, object]] = {}
        overrides: dict[str, list[tuple[int, object]]] = {}
        errors: list[RowError] = []
        for index, component in enumerate(components):
            line = lines[index] if index < len(lines) else 1
            uid = str(component.get("UID", "")).strip()
            if not uid:
                errors.append(RowError(line, _("The event has no UID.")))
            elif "RECURRENCE-ID" in component:
                overrides.setdefault(uid, []).append((line, component))
            elif uid in masters:
                errors.append(RowError(line, _("UID %(uid)s is given twice.") % {"uid": uid}))
            else:
                masters[uid] = (line, component)
        for uid, items in overrides.items():
            if uid not in masters:
                errors.append(
                    RowError(
                        items[0][0],
                        _("A changed session of %(uid)s, whose event is not in the file.") % {"uid": uid},
                    )
                )
        if not masters and not errors:
            raise ImportFileError(_("The file has no events."))

        lookup = category_lookup()
        existing = {
            event.uid: event
            for event in EventPage.objects.filter(uid__in=masters).prefetch_related(
                "dates", "changes", "audiences", "topics"
            )
        }
        changes = []
        for uid, (line, component) in masters.items():
            try:
                imported = self.read_event(uid, line, component, overrides.get(uid, []), institution, lookup)
            except ValueError as error:
                errors.append(RowError(line, str(error)))
                continue
            event = existing.get(uid)
            label = f"{imported.title} ({uid})"
            if event is None:
                changes.append(
                    Change(
                        line, "create", label, institution, {"event": imported}, self.review_note(institution)
                    )
                )
            elif event.get_parent().pk != institution.pk:
                errors.append(
                    RowError(
                        line, _("UID %(uid)s belongs to an event of another institution.") % {"uid": uid}
                    )
                )
            elif event_signature(event) != imported.signature() or (self.publishing and not event.live):
                changes.append(
                    Change(line, "update", label, event, {"event": imported}, self.review_note(institution))
                )
            else:
                changes.append(Change(line, "unchanged", label, event, {"event": imported}))
        return changes, errors

    def may_publish(self, institution: InstitutionPage) -> bool:
        return self.user is None or institution.permissions_for_user(self.user).can_publish_subpage()

    def review_note(self, institution: InstitutionPage) -> str:
        if not self.for_review:
            return ""
        return _(
            "You may not publish events of %(institution)s: this event will be saved as a draft and "
            "submitted to the province for review."
        ) % {"institution": institution.title}

    def read_event(self, uid, line, component, overrides, institution, lookup) -> ImportedEvent:
        title = str(component.get("SUMMARY", "")).strip()
        if not title:
            raise ValueError(_("The event %(uid)s has no SUMMARY (title).") % {"uid": uid})
        if "DTSTART" not in component:
            raise ValueError(_("The event %(uid)s has no DTSTART.") % {"uid": uid})
        raw_start = component.decoded("DTSTART")
        start, all_day = local(raw_start)
        if "DTEND" in component:
            end, _date = local(component.decoded("DTEND"))
        elif "DURATION" in component:
            end = start + component.decoded("DURATION")
        else:
            end = start + (dt.timedelta(days=1) if all_day else dt.timedelta(0))
        if end < start:
            raise ValueError(_("The event %(uid)s ends before it starts.") % {"uid": uid})
        if all_day:
            end = max(start, end - dt.timedelta(days=1))  # DTEND of a DATE is exclusive; ours is the last day

        rrule = ""
        if "RRULE" in component:
            rrule = component["RRULE"].to_ical().decode()
            if isinstance(raw_start, dt.datetime) and raw_start.tzinfo is not None:
                check_zone(uid, raw_start, rrule)

        imported = ImportedEvent(
            uid=uid,
            line=line,
            title=title[:255],
            start=start,
            end=end,
            all_day=all_day,
            rrule=rrule,
            description=text_to_html(str(component.get("DESCRIPTION", ""))),
            kind=EventKind.OTHER,
            venue=Venue.INSTITUTION,
            venue_address="",
        )
        location = str(component.get("LOCATION", "")).strip()
        institution_location = ", ".join(p for p in [institution.title, institution.address] if p)
        if location and location != institution_location and location != institution.title:
            imported.venue, imported.venue_address = Venue.ADDRESS, location[:255]

        for category in categories(component):
            what, value = lookup.get(fold_text(category), ("topic", category.strip()[:100]))
            if what == "kind" and imported.kind == EventKind.OTHER:
                imported.kind = value
            elif what == "audience":
                imported.audiences.add(value)
            elif what == "topic" and value:
                imported.topics.add(value)

        start_time = start.timetz()
        for moment in dates_of(component, "EXDATE"):
            imported.excluded.add(local(moment)[0].date())
        for moment in dates_of(component, "RDATE"):
            moment_local, _is_date = local(moment)
            imported.extra.add(moment_local.date())
            if not all_day and moment_local.timetz() != start_time:
                # An extra date at another time: the extra session, moved to that time.
                imported.changes[moment_local.date()] = (False, moment_local, moment_local + (end - start))
        if str(component.get("STATUS", "")).upper() == "CANCELLED":
            imported.changes[start.date()] = (True, None, None)

        for _override_line, override in overrides:
            original, _is_date = local(override.decoded("RECURRENCE-ID"))
            if str(override.get("STATUS", "")).upper() == "CANCELLED":
                imported.changes[original.date()] = (True, None, None)
                continue
            if "DTSTART" not in override:
                raise ValueError(_("A changed session of %(uid)s has no DTSTART.") % {"uid": uid})
            new_start, _date = local(override.decoded("DTSTART"))
            new_end = (
                local(override.decoded("DTEND"))[0] if "DTEND" in override else new_start + (end - start)
            )
            if (new_start, new_end) != (original, original + (end - start)):
                imported.changes[original.date()] = (False, new_start, new_end)
        return imported

    def apply_changes(self, changes: list[Change]) -> None:
        with tallies.counting():  # each event's tallies counted once, at the end
            super().apply_changes(changes)

    def apply_change(self, change: Change) -> None:
        imported: ImportedEvent = change.values["event"]
        if change.action == "create":
            institution = change.target
            event = EventPage(
                uid=imported.uid,
                slug=self.free_slug(institution, imported.title),
                live=self.publishing,
            )
        else:
            event = change.target
        for name in (
            "title",
            "start",
            "end",
            "all_day",
            "rrule",
            "description",
            "kind",
            "venue",
            "venue_address",
        ):
            setattr(event, name, getattr(imported, name))
        event.draft_title = event.title
        event.dates = [
            EventDate(kind=EventDate.Kind.EXCLUDE, date=day) for day in sorted(imported.excluded)
        ] + [EventDate(kind=EventDate.Kind.EXTRA, date=day) for day in sorted(imported.extra)]
        event.changes = [
            SessionChange(original_date=day, cancelled=cancelled, new_start=new_start, new_end=new_end)
            for day, (cancelled, new_start, new_end) in sorted(imported.changes.items())
        ]
        event.audiences = list(Audience.objects.filter(code__in=imported.audiences))
        event.topics = [topic_named(name) for name in sorted(imported.topics)]
        if change.action == "create":
            change.target.add_child(instance=event)
        revision = event.save_revision(user=self.user, log_action=True)
        # Publishing materialises the sessions, past ones too. A draft changes nothing public: the live
        # event keeps its schedule, sessions and search text until someone publishes the draft.
        if self.publishing:
            revision.publish(user=self.user)
        elif self.for_review:
            submit_for_review(event, self.user)

    @staticmethod
    def free_slug(institution: InstitutionPage, title: str) -> str:
        siblings = institution.get_children()
        base = ascii_slug(title)[:180] or "su-kien"
        return unique_slug(base, lambda slug: siblings.filter(slug=slug).exists())


def submit_for_review(event: EventPage, user) -> None:
    """Start the page's review workflow on its latest revision (again, if a review was under way)."""
    workflow = event.get_workflow()
    if workflow is None:
        return
    if event.workflow_in_progress:
        event.current_workflow_state.cancel(user=user)
    workflow.start(event, user)


def topic_named(name: str) -> Topic:
    topic = Topic.objects.filter(name=name).first()
    if topic:
        return topic
    base = ascii_slug(name)[:90] or "chu-de"
    return Topic.objects.create(
        name=name, slug=unique_slug(base, lambda slug: Topic.objects.filter(slug=slug).exists())
    )


def unique_slug(base: str, taken) -> str:
    """`base`, or `base-2`, `base-3`… whichever `taken(slug)` says is free."""
    slug, number = base, 1
    while taken(slug):
        number += 1
        slug = f"{base}-{number}"
    return slug


def categories(component) -> list[str]:
    values = component.get("CATEGORIES")
    if values is None:
        return []
    if not isinstance(values, list):
        values = [values]
    return [str(category) for value in values for category in value.cats]


def dates_of(component, name: str) -> list[dt.date | dt.datetime]:
    values = component.get(name)
    if values is None:
        return []
    if not isinstance(values, list):
        values = [values]
    return [item.dt for value in values for item in value.dts]


def check_zone(uid: str, start: dt.datetime, rrule: str) -> None:
    """A rule in another zone repeats in that zone's wall time; ours repeat in Hà Tĩnh's.

    Both agree when the zone keeps one offset and the converted start stays on the same day for
    rules that name days; otherwise the import stops with a clear message instead of shifting sessions.
    """
    later = start + dt.timedelta(days=182)
    if start.utcoffset() != later.astimezone(start.tzinfo).utcoffset():
        raise ValueError(
            _(
                "The event %(uid)s repeats in a time zone with daylight saving time; "
                "export it in Asia/Ho_Chi_Minh or UTC."
            )
            % {"uid": uid}
        )
    parts = parse_rule(rrule)
    names_days = any(key in parts for key in ("BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO"))
    if names_days and local(start)[0].date() != start.date():
        raise ValueError(
            _("The event %(uid)s repeats on days of another time zone; export it in Asia/Ho_Chi_Minh.")
            % {"uid": uid}
        )


def vevent_lines(data: bytes) -> list[int]:
    """Line numbers of each BEGIN:VEVENT in the file, in order (the rows of an iCalendar file)."""
    text = data.decode("utf-8-sig", errors="replace")
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip().upper() == "BEGIN:VEVENT"
    ]
