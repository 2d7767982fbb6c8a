"""A province-scale dataset for the benchmark (`generate_scale_data`), written with bulk inserts.

Pages are inserted as rows: the `wagtailcore_page` rows with their tree paths computed here, then the
rows of the page type's own table. Nothing is published through Wagtail (no revisions, no signals), so
the editors' groups and the search index are not made; the rows are what the public pages, feeds, APIs
and indicators read. Sessions are written as the schedule module would store them for the simple
weekly and one-off rules generated here.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Locale, Page

from core.text import collation_key, fold_text
from events import tallies as session_tallies
from events.choices import EventKind
from events.feed_entries import write_entries
from events.models import Attendance, Audience, EventDate, EventPage, Session, SessionChange, Topic, is_long
from institutions import tallies as visit_tallies
from institutions.choices import InstitutionKind, InstitutionLevel, Sector
from institutions.models import (
    AdministrativeUnit,
    InstitutionIndexPage,
    InstitutionPage,
    OpeningHours,
    VisitCount,
)

BATCH = 5000
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's, 4 characters a step
KIND_NAMES = {
    InstitutionKind.LIBRARY: "Thư viện",
    InstitutionKind.MUSEUM: "Bảo tàng",
    InstitutionKind.CULTURAL_CENTRE: "Nhà văn hóa",
    InstitutionKind.COMMUNITY_LEARNING_CENTRE: "Trung tâm học tập cộng đồng",
}
# Shares of the groups, roughly as in a province: many village houses and commune centres.
KIND_WEIGHTS = [
    (InstitutionKind.LIBRARY, 30),
    (InstitutionKind.MUSEUM, 3),
    (InstitutionKind.CULTURAL_CENTRE, 50),
    (InstitutionKind.COMMUNITY_LEARNING_CENTRE, 17),
]
EVENT_WORDS = [
    "Câu lạc bộ đọc sách",
    "Lớp kỹ năng số",
    "Lớp tiếng Anh",
    "Câu lạc bộ dân ca Ví, Giặm",
    "Nói chuyện chuyên đề",
    "Lớp dưỡng sinh",
    "Giới thiệu sách mới",
    "Triển lãm ảnh",
    "Lớp trồng trọt hữu cơ",
    "Câu lạc bộ thơ",
]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@dataclass
class Counts:
    institutions: int = 0
    events: int = 0
    sessions: int = 0
    attendance: int = 0
    visits: int = 0


def step(number: int) -> str:
    text = ""
    for _ in range(4):
        number, digit = divmod(number, len(ALPHABET))
        text = ALPHABET[digit] + text
    return text


def batches(rows: Iterator, size: int = BATCH) -> Iterator[list]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def insert_pages(model, parent: Page, items: list[tuple[dict, dict]], first_child: int, now) -> list:
    """Insert pages of `model` under `parent`: [(page fields, own fields)] -> the saved instances."""
    content_type = ContentType.objects.get_for_model(model)
    locale = Locale.get_default()
    pages = []
    for number, (page_fields, _own) in enumerate(items, start=first_child + 1):
        pages.append(
            Page(
                path=parent.path + step(number),
                depth=parent.depth + 1,
                numchild=0,
                translation_key=uuid.uuid4(),
                locale=locale,
                live=True,
                has_unpublished_changes=False,
                first_published_at=now,
                last_published_at=now,
                latest_revision_created_at=now,
                draft_title=page_fields["title"],
                content_type=content_type,
                url_path=f"{parent.url_path}{page_fields['slug']}/",
                **page_fields,
            )
        )
    saved = []
    for batch in batches(iter(pages)):
        saved.extend(Page.objects.bulk_create(batch))
    if not saved or saved[0].pk is None:  # a database that does not return keys
        by_path = dict(Page.objects.filter(path__in=[p.path for p in pages]).values_list("path", "pk"))
        for page in saved:
            page.pk = page.id = by_path[page.path]
    instances = [
        model(page_ptr_id=page.pk, id=page.pk, **own)
        for page, (_fields, own) in zip(saved, items, strict=True)
    ]
    fields = model._meta.local_concrete_fields
    for batch in batches(iter(instances)):
        model._base_manager._insert(batch, fields=fields)
    parent.numchild += len(items)
    Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild)
    return instances


def generate(institutions: int, events: int, years: int, seed: int = 1520, log=print) -> Counts:
    """Add the dataset; meant for an empty (migrated) database."""
    rng = random.Random(seed)
    counts = Counts()
    today = timezone.localdate()
    tz = timezone.get_default_timezone()
    now = timezone.now()
    first_day = today.replace(month=1, day=1, year=today.year - years + 1)
    with transaction.atomic():
        created = add_institutions(rng, institutions, now, first_day)
        counts.institutions = len(created)
        log(f"{counts.institutions} institutions")
        counts.events, counts.sessions, past = add_events(rng, created, events, now, first_day, today, tz)
        log(f"{counts.events} events, {counts.sessions} sessions")
        counts.attendance = add_attendance(rng, past)
        log(f"{counts.attendance} attendance records")
        counts.visits = add_visits(rng, created, first_day, today)
        log(f"{counts.visits} visit counts")
        # Bulk inserts send no signals: the yearly tallies are counted once, at the end.
        log(f"{session_tallies.rebuild()} session tallies, {visit_tallies.rebuild()} visit tallies")
    with connection.cursor() as cursor:  # statistics for the query planner, as after any bulk load
        cursor.execute("ANALYZE")
    return counts


def add_institutions(rng, count: int, now, first_day: dt.date) -> list[InstitutionPage]:
    directory = InstitutionIndexPage.objects.get()
    units = list(AdministrativeUnit.objects.filter(level__in=["commune", "ward", "town"]).order_by("pk"))
    if not units:
        units = list(AdministrativeUnit.objects.exclude(parent=None).order_by("pk"))
    kinds = [kind for kind, weight in KIND_WEIGHTS for _ in range(weight)]
    items = []
    for number in range(1, count + 1):
        kind = rng.choice(kinds)
        unit = units[number % len(units)]
        level = {
            InstitutionKind.MUSEUM: InstitutionLevel.PROVINCE,
            InstitutionKind.CULTURAL_CENTRE: rng.choice([InstitutionLevel.COMMUNE, InstitutionLevel.VILLAGE]),
        }.get(kind, rng.choice([InstitutionLevel.DISTRICT, InstitutionLevel.COMMUNE]))
        title = f"{KIND_NAMES[kind]} {unit.name} số {number}"
        code = f"SC-{number:05d}"
        opened = None if rng.random() < 0.9 else first_day + dt.timedelta(days=rng.randrange(365 * 3))
        items.append(
            (
                {"title": title, "slug": f"co-so-mau-{number:05d}"},
                {
                    "code": code,
                    "kind": kind,
                    "level": level,
                    "sector": rng.choice([Sector.PUBLIC] * 8 + [Sector.COMMUNITY, Sector.EDUCATION]),
                    "unit_id": unit.pk,
                    "address": f"Số {number}, {unit.name}",
                    "latitude": round(17.9 + rng.random() * 0.8, 6),
                    "longitude": round(105.5 + rng.random() * 0.9, 6),
                    "phone": f"0239 {rng.randrange(3000000, 3999999)}",
                    "email": "",
                    "website": "",
                    "accessibility": "",
                    "description": f"{title} phục vụ người dân học tập suốt đời.",
                    "image_id": None,
                    "opened_on": opened,
                    "closed_on": None,
                    "publishes_directly": False,
                    "search_text": fold_text(f"{title} {code} Số {number}, {unit.name}"),
                    "sort_key": collation_key(title),
                },
            )
        )
    created = insert_pages(InstitutionPage, directory, items, directory.numchild, now)
    hours = (
        OpeningHours(page_id=institution.pk, sort_order=day, weekday=day, opens=opens, closes=closes)
        for institution in created
        for day in range(6)
        for opens, closes in ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 30), dt.time(17, 0)))
    )
    for batch in batches(hours):
        OpeningHours.objects.bulk_create(batch)
    return created


def add_events(rng, institutions, count: int, now, first_day: dt.date, today: dt.date, tz):
    """Weekly events (three in four) and one-off ones; returns (events, sessions, past session ids)."""
    audiences = list(Audience.objects.values_list("pk", flat=True))
    topics = list(Topic.objects.values_list("pk", flat=True))
    span = (today + dt.timedelta(days=180) - first_day).days
    per_institution: dict[int, list] = {}
    plans = []
    for number in range(1, count + 1):
        institution = institutions[rng.randrange(len(institutions))]
        day = first_day + dt.timedelta(days=rng.randrange(span))
        start = dt.datetime.combine(day, dt.time(rng.choice([7, 8, 14, 15, 19]), rng.choice([0, 30])), tz)
        end = start + dt.timedelta(minutes=rng.choice([60, 90, 120]))
        weekly = rng.random() < 0.75
        occurrences = rng.randint(20, 45) if weekly else 1
        if not weekly and rng.random() < 0.05:  # an exhibition of one to four months
            end = start + dt.timedelta(days=rng.randint(30, 120), hours=8)
        rrule = f"FREQ=WEEKLY;BYDAY={WEEKDAYS[start.weekday()]};COUNT={occurrences}" if weekly else ""
        title = f"{rng.choice(EVENT_WORDS)} {number}"
        kind = EventKind.EXHIBITION if is_long(start, end) else rng.choice(EventKind.values)
        own = {
            "kind": kind,
            "campaign_id": None,
            "venue": "institution",
            "venue_address": "",
            "online_url": "",
            "is_free": rng.random() < 0.9,
            "price": "",
            "registration": "",
            "description": f"<p>{title}: hoạt động học tập cho người dân.</p>",
            "image_id": None,
            "start": start,
            "end": end,
            "all_day": False,
            "rrule": rrule,
            "uid": f"scale-{number}@hoctap.hatinh.gov.vn",
            "search_text": fold_text(title),
        }
        per_institution.setdefault(institution.pk, []).append(({"title": title, "slug": f"hd-{number}"}, own))
        plans.append((institution, start, end, occurrences))
    parents = {page.pk: page for page in Page.objects.filter(pk__in=per_institution)}
    created = []
    for institution_id, items in per_institution.items():
        created.extend(insert_pages(EventPage, parents[institution_id], items, 0, now))
    by_uid = {event.uid: event for event in created}
    through_audiences = EventPage.audiences.through
    through_topics = EventPage.topics.through
    links_a, links_t = [], []
    for event in created:
        links_a.extend(
            through_audiences(eventpage_id=event.pk, audience_id=a) for a in rng.sample(audiences, 2)
        )
        links_t.append(through_topics(eventpage_id=event.pk, topic_id=rng.choice(topics)))
    for batch in batches(iter(links_a)):
        through_audiences.objects.bulk_create(batch)
    for batch in batches(iter(links_t)):
        through_topics.objects.bulk_create(batch)

    changes, dates = [], []

    def sessions():
        """Weekly sessions with the exceptions a real schedule has, each recorded on the event as an
        editor would (so a publication gives the same sessions): one in fifty cancelled, one in a
        hundred moved a day later, and one weekly event in ten with an extra date."""
        for number, (institution, start, end, occurrences) in enumerate(plans, start=1):
            event = by_uid[f"scale-{number}@hoctap.hatinh.gov.vn"]
            common = {
                "event_id": event.pk,
                "institution_id": institution.pk,
                "spans_days": is_long(start, end),
            }
            for week in range(occurrences):
                shift = dt.timedelta(weeks=week)
                original = start + shift
                chance = rng.random()
                if chance < 0.02:
                    changes.append(
                        SessionChange(page_id=event.pk, original_date=original.date(), cancelled=True)
                    )
                    yield Session(
                        original_start=original, start=original, end=end + shift, status="cancelled", **common
                    )
                elif chance < 0.03 and occurrences > 1:
                    moved = original + dt.timedelta(days=1)
                    changes.append(
                        SessionChange(page_id=event.pk, original_date=original.date(), new_start=moved)
                    )
                    yield Session(
                        original_start=original, start=moved, end=end + shift + dt.timedelta(days=1),
                        status="moved", **common,
                    )  # fmt: skip
                else:
                    yield Session(original_start=original, start=original, end=end + shift, **common)
            if occurrences > 1 and rng.random() < 0.1:
                extra = start + dt.timedelta(weeks=1, days=3)
                dates.append(EventDate(page_id=event.pk, kind=EventDate.Kind.EXTRA, date=extra.date()))
                yield Session(original_start=extra, start=extra, end=end + dt.timedelta(weeks=1, days=3),
                              is_extra=True, **common)  # fmt: skip

    total = 0
    for batch in batches(sessions()):
        Session.objects.bulk_create(batch)
        total += len(batch)
    SessionChange.objects.bulk_create(changes, batch_size=1000)
    EventDate.objects.bulk_create(dates, batch_size=1000)
    # The feeds' stored VEVENTs, as publication writes them (events.feed_entries).
    write_entries([event.pk for event in created])
    past = list(
        Session.objects.filter(start__lt=now).exclude(status="cancelled").values_list("pk", flat=True)
    )
    return len(created), total, past


def add_attendance(rng, session_ids: list[int]) -> int:
    def rows():
        for session_id in session_ids:
            if rng.random() < 0.85:
                attendees = rng.randint(5, 60)
                yield Attendance(
                    session_id=session_id,
                    attendees=attendees,
                    children=rng.randint(0, attendees // 2),
                    women=rng.randint(0, attendees),
                    note="",
                )

    total = 0
    for batch in batches(rows()):
        Attendance.objects.bulk_create(batch)
        total += len(batch)
    return total


def add_visits(rng, institutions, first_day: dt.date, today: dt.date) -> int:
    """Daily learning and other visits on about one day in four for each institution."""
    days = (today - first_day).days

    def rows():
        for institution in institutions:
            for offset in range(rng.randrange(4), days, 4):
                date = first_day + dt.timedelta(days=offset)
                for purpose in ("learning", "other"):
                    yield VisitCount(
                        institution_id=institution.pk,
                        period="day",
                        date=date,
                        purpose=purpose,
                        channel="onsite",
                        visits=rng.randint(3, 80),
                    )

    total = 0
    for batch in batches(rows()):
        VisitCount.objects.bulk_create(batch)
        total += len(batch)
    return total
