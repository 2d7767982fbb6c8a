"""Demo figures: attendance at past sessions, monthly visit counts and service records."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from events import tallies as session_tallies
from events.choices import SessionStatus
from events.models import Attendance, Session
from institutions import tallies as visit_tallies
from institutions.models import InstitutionPage, ServiceRecord, VisitCount

DEMO_YEARS = (2022, 2023, 2024, 2025, 2026)


@transaction.atomic
def load_demo_records() -> tuple[int, int, int]:
    """Attendance at past sessions, monthly visit counts and service records, growing year on year.

    Deterministic (seeded by institution), and idempotent: only what is missing is added.
    """
    now = timezone.now()
    this_month = timezone.localdate().replace(day=1)
    held = (
        Session.objects.filter(start__lt=now, event__live=True, attendance__isnull=True)
        .exclude(status=SessionStatus.CANCELLED)
        .select_related("institution")
    )
    attendance = []
    for session in held:
        rng = random.Random(f"{session.institution.code}-{session.pk}")
        year_factor = 1.12 ** (timezone.localtime(session.start).year - 2024)
        attendees = int(rng.randint(12, 35) * year_factor)
        attendance.append(
            Attendance(
                session=session,
                attendees=attendees,
                children=rng.randint(0, attendees // 3),
                women=rng.randint(attendees // 3, attendees),
                disabled=rng.randint(0, 2),
            )
        )
    Attendance.objects.bulk_create(attendance, ignore_conflicts=True)
    visits_before = VisitCount.objects.count()

    visits = []
    for institution in InstitutionPage.objects.filter(kind__in=["library", "museum"]):
        rng = random.Random(institution.code)
        base = {"province": 4000, "district": 900, "commune": 250, "village": 120}[institution.level]
        growth = 1.11 if institution.kind == "library" else 1.08
        for year in DEMO_YEARS:
            for month in range(1, 13):
                day = dt.date(year, month, 1)
                if day >= this_month or not institution.is_active_on(day):
                    continue
                learning = int(base * growth ** (year - 2022) * rng.uniform(0.85, 1.15))
                for purpose, channel, visits_count in (
                    ("learning", "onsite", learning),
                    ("learning", "virtual", learning // 5 if year >= 2024 else 0),
                    ("other", "onsite", learning // 3),
                ):
                    if visits_count:
                        visits.append(
                            VisitCount(
                                institution=institution,
                                period="month",
                                date=day,
                                purpose=purpose,
                                channel=channel,
                                visits=visits_count,
                            )
                        )
    VisitCount.objects.bulk_create(visits, ignore_conflicts=True)
    # Bulk inserts send no signals: the yearly tallies of what they may have added are counted again.
    session_tallies.changed(record.session.event_id for record in attendance)
    visit_tallies.changed(visit_tallies.key_of(count) for count in visits)

    records = 0
    for institution in InstitutionPage.objects.filter(kind__in=["library", "cultural_centre"]):
        rng = random.Random(f"services-{institution.code}")
        for year in (2022, 2023, 2024, 2025):
            if not institution.is_active_on(dt.date(year, 12, 31)) and not institution.is_active_on(
                dt.date(year, 1, 1)
            ):
                continue
            # Each year a few more institutions offer lifelong-learning services and go digital.
            _record, created = ServiceRecord.objects.get_or_create(
                institution=institution,
                year=year,
                defaults={
                    "lifelong_learning_services": rng.random() < 0.45 + 0.1 * (year - 2022),
                    "digital_transformation": rng.random() < 0.25 + 0.12 * (year - 2022),
                },
            )
            records += created
    return len(attendance), VisitCount.objects.count() - visits_before, records
