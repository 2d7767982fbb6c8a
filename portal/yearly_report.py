"""The plan's yearly report for a year and an area (the plan, section V): every figure the Department asks
for, read from the same computation as the dashboard and `manage.py indicators` (`portal.indicators`),
in the order of the plan's own sections. `portal.report_documents` writes it as a printable page and as
a Word document; neither adds a number of its own.

Where nothing was recorded the figure is None, which the report says as "no data", never 0; and the
report lists what is missing and whose it is, so that the officer can ask for it before sending.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import number
from events.choices import AudienceCode, EventKind
from events.models import Audience
from institutions.choices import VisitChannel, VisitPurpose
from institutions.models import AdministrativeUnit, InstitutionPage, ServiceRecord, VisitCount

from .indicators import (
    LIBRARY_GROUPS,
    IndicatorValue,
    compute,
    held_sessions,
    institutions_of,
)

# The groups whose indicators read the yearly service record: an active institution of these without one
# is missing data.
RECORD_GROUPS = [*LIBRARY_GROUPS, "culture_commune_village"]
# The groups whose indicators count door counts: their months without any are missing data.
COUNTED_GROUPS = ["library_all", "museum_all"]
# The plan's objectives (section II), each with the indicators that measure it.
OBJECTIVES = [
    ("libraries", ["lifelong_learning_services", "digital_transformation", "library_learning_uses"]),
    ("museums", ["museum_study_visits"]),
    ("culture", ["age_group_activities", "regular_clubs_classes"]),
]


@dataclass
class Indicator:
    """One indicator of the year, with the year before (the change) and its targets."""

    row: IndicatorValue
    previous: IndicatorValue

    @property
    def change(self) -> Decimal | None:
        """Percentage points over the year before (percents), or the growth in percent (counts)."""
        if self.row.kind == "count":
            return self.row.growth
        if self.row.value is None or self.previous.value is None:
            return None
        return self.row.value - self.previous.value

    @property
    def met(self) -> bool | None:
        return self.row.on_track


@dataclass
class Coverage:
    """The counts behind the libraries' shares: how many of a group are active, offer lifelong-learning
    services, apply IT."""

    group: str
    label: str
    active: int
    lifelong: int
    digital: int


@dataclass
class Tally:
    label: str
    sessions: int
    attendance: int | None  # None: no session of the line has a headcount or a check-in


@dataclass
class InstitutionFigures:
    pk: int
    name: str
    kind: str
    unit: str
    sessions: int = 0
    attendance: int | None = None
    learning_visits: int | None = None
    lifelong: bool | None = None  # None: no service record for the year
    digital: bool | None = None


@dataclass
class Missing:
    institution: str
    unit: str
    what: str


@dataclass
class YearlyReport:
    year: int
    area: AdministrativeUnit | None
    area_name: str
    made_on: dt.date
    objectives: list[tuple[str, list[Indicator]]]
    coverage: list[Coverage]
    visits: list[tuple[str, list[int | None]]]  # purpose, then one figure per channel, then the total
    channels: list[str]
    by_kind: list[Tally]
    by_audience: list[Tally]
    by_campaign: list[Tally]
    institutions: list[InstitutionFigures]
    missing: list[Missing]
    findings: list[str] = field(default_factory=list)

    @property
    def indicators(self) -> list[Indicator]:
        return [indicator for _name, rows in self.objectives for indicator in rows]


OBJECTIVE_TITLES = {
    "libraries": lambda: _("The library system"),
    "museums": lambda: _("The museum system"),
    "culture": lambda: _("The culture centres at every level"),
}


def build(year: int, area: AdministrativeUnit | None = None) -> YearlyReport:
    rows = compute(year, area)
    previous = {(row.indicator, row.group): row for row in compute(year - 1, area)}
    indicators = [Indicator(row, previous[(row.indicator, row.group)]) for row in rows]
    objectives = [
        (str(OBJECTIVE_TITLES[name]()), [item for item in indicators if item.row.indicator in names])
        for name, names in OBJECTIVES
    ]
    institutions = InstitutionPage.objects.in_area(area) if area else InstitutionPage.objects.all()
    active = institutions.active_in(year)
    report = YearlyReport(
        year=year,
        area=area,
        area_name=str(area) if area else _("Hà Tĩnh province"),
        made_on=timezone.localdate(),
        objectives=objectives,
        coverage=coverage(indicators),
        channels=[str(label) for label in VisitChannel.labels],
        visits=visits(year, active),
        by_kind=sessions_by(year, active, "event__kind", dict(EventKind.choices)),
        by_audience=sessions_by_audience(year, active),
        by_campaign=sessions_by(year, active, "event__campaign__name", None, exclude_empty=True),
        institutions=institution_figures(year, active),
        missing=missing(year, area),
    )
    report.findings = findings(report)
    return report


def coverage(indicators: list[Indicator]) -> list[Coverage]:
    by_key = {(item.row.indicator, item.row.group): item.row for item in indicators}
    lines = []
    for group in LIBRARY_GROUPS:
        lifelong = by_key[("lifelong_learning_services", group)]
        digital = by_key[("digital_transformation", group)]
        lines.append(
            Coverage(
                group,
                lifelong.group_label,
                lifelong.denominator or 0,
                lifelong.numerator or 0,
                digital.numerator or 0,
            )
        )
    return lines


def visits(year: int, active) -> list[tuple[str, list[int | None]]]:
    """Visits by purpose (rows) and channel (columns), with totals; None where nothing was counted."""
    rows = (
        VisitCount.objects.filter(institution__in=active, date__year=year)
        .values_list("purpose", "channel")
        .annotate(total=Sum("visits"))
    )
    cells = {(purpose, channel): total for purpose, channel, total in rows}
    table = []
    for purpose, label in VisitPurpose.choices:
        figures = [cells.get((purpose, channel)) for channel in VisitChannel.values]
        known = [figure for figure in figures if figure is not None]
        table.append((str(label), [*figures, sum(known) if known else None]))
    return table


def attendance_of_session():
    """A held session's attendance: the headcount typed, else the people checked in (SPEC §4, §9)."""
    return Coalesce(F("attendance__attendees"), F("checked_in"))


def session_tallies() -> dict:
    """What each line of sessions counts: the sessions, their people, and how many of them were counted at
    all (none: the line's attendance is "no data", not 0)."""
    return {
        "sessions": Count("pk"),
        "people": Sum(attendance_of_session()),
        "counted": Count("pk", filter=Q(attendance__isnull=False) | Q(checked_in__gt=0)),
    }


def sessions_by(
    year: int, active, path: str, labels: dict | None, exclude_empty: bool = False
) -> list[Tally]:
    held = held_sessions(year).filter(institution__in=active)
    if exclude_empty:
        held = held.exclude(**{f"{path}__isnull": True})
    rows = held.order_by().values_list(path).annotate(**session_tallies()).order_by(path)
    return [
        Tally(str(labels.get(key, key)) if labels else str(key), sessions, total if counted else None)
        for key, sessions, total, counted in rows
    ]


def sessions_by_audience(year: int, active) -> list[Tally]:
    held = held_sessions(year).filter(institution__in=active)
    links = Audience.events.through.objects.filter(eventpage__sessions__in=held)
    rows = (
        held.filter(event__in=links.values("eventpage_id"))
        .order_by()
        .values_list("event__audiences__code")
        .annotate(**session_tallies())
    )
    found = {code: (sessions, total if counted else None) for code, sessions, total, counted in rows}
    return [Tally(str(label), *found[code]) for code, label in AudienceCode.choices if code in found]


def institution_figures(year: int, active) -> list[InstitutionFigures]:
    """Each active institution of the area with its figures: a few grouped queries, whatever their number."""
    kinds = dict(InstitutionPage._meta.get_field("kind").choices)
    lines = {
        pk: InstitutionFigures(pk, title, str(kinds.get(kind, kind)), unit or "")
        for pk, title, kind, unit in active.order_by("unit__name", "title").values_list(
            "pk", "title", "kind", "unit__name"
        )
    }
    held = held_sessions(year).filter(institution__in=active)
    for pk, sessions, total, counted in (
        held.order_by().values_list("institution_id").annotate(**session_tallies())
    ):
        lines[pk].sessions = sessions
        lines[pk].attendance = total if counted else None
    learning = (
        VisitCount.objects.filter(institution__in=active, date__year=year, purpose=VisitPurpose.LEARNING)
        .values_list("institution_id")
        .annotate(total=Sum("visits"))
    )
    for pk, total in learning:
        lines[pk].learning_visits = total
    records = ServiceRecord.objects.filter(institution__in=active, year=year).values_list(
        "institution_id", "lifelong_learning_services", "digital_transformation"
    )
    for pk, lifelong, digital in records:
        lines[pk].lifelong, lines[pk].digital = lifelong, digital
    return list(lines.values())


def missing(year: int, area: AdministrativeUnit | None) -> list[Missing]:
    """What the report lacks, and whose it is: institutions without the year's service record, and the
    months (up to the last complete one) in which a library or museum counted no visit."""
    found: list[Missing] = []
    without_record = InstitutionPage.objects.none()
    for group in RECORD_GROUPS:
        without_record = without_record | institutions_of(group, area).active_in(year)
    without_record = without_record.exclude(service_records__year=year).distinct()
    for title, unit in without_record.order_by("unit__name", "title").values_list("title", "unit__name"):
        found.append(Missing(title, unit or "", _("no service record for %(year)s") % {"year": year}))
    today = timezone.localdate()
    last_month = 12 if year < today.year else today.month - 1
    if last_month < 1:
        return found
    counted = InstitutionPage.objects.none()
    for group in COUNTED_GROUPS:
        counted = counted | institutions_of(group, area).active_in(year)
    months: dict[int, set[int]] = defaultdict(set)
    rows = (
        VisitCount.objects.filter(institution__in=counted.values("pk"), date__year=year)
        .values_list("institution_id", "date__month")
        .distinct()
    )
    for pk, month in rows:
        months[pk].add(month)
    for pk, title, unit in (
        counted.distinct().order_by("unit__name", "title").values_list("pk", "title", "unit__name")
    ):
        gaps = [month for month in range(1, last_month + 1) if month not in months[pk]]
        if gaps:
            found.append(
                Missing(
                    title,
                    unit or "",
                    _("no door count in month %(months)s") % {"months": ", ".join(f"{m:02d}" for m in gaps)},
                )
            )
    return found


def findings(report: YearlyReport) -> list[str]:
    """Sentences read off the figures (met, not met, the largest growth and fall), for the officer to edit."""
    sentences = []
    met = [item for item in report.indicators if item.met is True]
    not_met = [item for item in report.indicators if item.met is False]
    unknown = [item for item in report.indicators if item.met is None]

    def name(item: Indicator) -> str:
        return f"{item.row.label} ({item.row.group_label.lower()})"

    if met:
        sentences.append(
            _("Met the year's target: %(list)s.") % {"list": "; ".join(name(item) for item in met)}
        )
    if not_met:
        parts = []
        for item in not_met:
            unit = "%" if item.row.kind == "percent" else _("% a year")
            parts.append(
                _("%(name)s: %(value)s%(unit)s against %(target)s%(unit)s")
                % {
                    "name": name(item),
                    "value": number(item.row.measured),
                    "target": number(item.row.target),
                    "unit": unit,
                }
            )
        sentences.append(_("Not met yet: %(list)s.") % {"list": "; ".join(parts)})
    if unknown:
        sentences.append(
            _("No data to judge: %(list)s.") % {"list": "; ".join(name(item) for item in unknown)}
        )
    changes = [item for item in report.indicators if item.change is not None]
    if changes:
        rise = max(changes, key=lambda item: item.change)
        fall = min(changes, key=lambda item: item.change)
        if rise.change > 0:
            sentences.append(
                _("Largest rise over %(year)s: %(name)s, %(change)s.")
                % {"year": report.year - 1, "name": name(rise), "change": change_text(rise)}
            )
        if fall.change < 0:
            sentences.append(
                _("Largest fall over %(year)s: %(name)s, %(change)s.")
                % {"year": report.year - 1, "name": name(fall), "change": change_text(fall)}
            )
    if report.missing:
        sentences.append(
            _("%(count)s items of data are missing (section IV): the figures above do not include them.")
            % {"count": len(report.missing)}
        )
    return sentences


def change_text(item: Indicator) -> str:
    sign = "+" if item.change > 0 else ""
    if item.row.kind == "percent":
        return _("%(change)s percentage points") % {"change": sign + number(item.change)}
    return f"{sign}{number(item.change)}%"
