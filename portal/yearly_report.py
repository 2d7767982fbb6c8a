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

from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import number
from events.choices import AudienceCode, EventKind
from events.models import Audience
from institutions.choices import VisitChannel, VisitPurpose
from institutions.models import AdministrativeUnit, InstitutionPage, ServiceRecord, VisitTally

from .indicators import (
    LIBRARY_GROUPS,
    IndicatorValue,
    compute,
    held_tallies,
    institutions_of,
    percent_values,
    shared_figures,
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
    previous: Decimal | None  # the year before's share (percents; counts carry their growth)

    @property
    def change(self) -> Decimal | None:
        """Percentage points over the year before (percents), or the growth in percent (counts)."""
        if self.row.kind == "count":
            return self.row.growth
        if self.row.value is None or self.previous is None:
            return None
        return self.row.value - self.previous

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
    with shared_figures():  # the year's figures and the year before's, each counted once
        return build_report(year, area)


def build_report(year: int, area: AdministrativeUnit | None) -> YearlyReport:
    rows = compute(year, area)
    before = percent_values(year - 1, area)
    indicators = [
        Indicator(row, before[(row.indicator, row.group)][0] if row.kind == "percent" else None)
        for row in rows
    ]
    objectives = [
        (str(OBJECTIVE_TITLES[name]()), [item for item in indicators if item.row.indicator in names])
        for name, names in OBJECTIVES
    ]
    institutions = InstitutionPage.objects.in_area(area) if area else InstitutionPage.objects.all()
    active = institutions.active_in(year)
    held, visits = HeldSessions(year, active), Visits(year, active)
    report = YearlyReport(
        year=year,
        area=area,
        area_name=str(area) if area else _("Hà Tĩnh province"),
        made_on=timezone.localdate(),
        objectives=objectives,
        coverage=coverage(indicators),
        channels=[str(label) for label in VisitChannel.labels],
        visits=visits.by_purpose_and_channel(),
        by_kind=held.by_kind(),
        by_audience=held.by_audience(),
        by_campaign=held.by_campaign(),
        institutions=institution_figures(year, active, held, visits),
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


class Visits:
    """The year's door counts of the area's active institutions by institution, purpose and channel, read
    once from their yearly tallies (`institutions.tallies`), for the table by purpose and channel and each
    institution's line."""

    def __init__(self, year: int, active):
        self.cells = list(
            VisitTally.objects.filter(institution__in=active, year=year)
            .values_list("institution_id", "purpose", "channel", "visits")
            .order_by()
        )

    def by_purpose_and_channel(self) -> list[tuple[str, list[int | None]]]:
        """Visits by purpose (rows) and channel (columns), with totals; None where nothing was counted."""
        cells: dict[tuple[str, str], int] = {}
        for _pk, purpose, channel, total in self.cells:
            cells[(purpose, channel)] = cells.get((purpose, channel), 0) + total
        table = []
        for purpose, label in VisitPurpose.choices:
            figures = [cells.get((purpose, channel)) for channel in VisitChannel.values]
            known = [figure for figure in figures if figure is not None]
            table.append((str(label), [*figures, sum(known) if known else None]))
        return table

    def by_institution(self) -> dict[int, dict[tuple[str, str], int]]:
        """Each institution's visits by purpose and channel."""
        found: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
        for pk, purpose, channel, total in self.cells:
            found[pk][(purpose, channel)] = total
        return found

    def learning_by_institution(self) -> dict[int, int]:
        found: dict[int, int] = {}
        for pk, purpose, _channel, total in self.cells:
            if purpose == VisitPurpose.LEARNING:
                found[pk] = found.get(pk, 0) + total
        return found


@dataclass
class Lines:
    """Tallies being added up, by line."""

    sessions: dict = field(default_factory=lambda: defaultdict(int))
    people: dict = field(default_factory=lambda: defaultdict(int))
    counted: dict = field(default_factory=lambda: defaultdict(int))

    def add(self, key, sessions: int, people: int | None, counted: int) -> None:
        self.sessions[key] += sessions
        self.people[key] += people or 0
        self.counted[key] += counted

    def tally(self, key, label: str) -> Tally:
        return Tally(label, self.sessions[key], self.people[key] if self.counted[key] else None)


class HeldSessions:
    """The year's held sessions of the area's active institutions, by institution and event: their yearly
    tallies (`events.tallies`), read once and added up by kind, audience, campaign and institution from
    there. Each line counts the sessions, their people (each session's headcount typed, else the people
    checked in: SPEC §4, §9) and how many sessions were counted at all (none: the line's attendance is
    "no data", not 0)."""

    def __init__(self, year: int, active):
        tallies = held_tallies().filter(institution__in=active, year=year)
        self.rows = list(
            tallies.values_list(
                "institution_id",
                "event_id",
                "event__eventpage__kind",
                "event__eventpage__campaign__name",
                "sessions",
                "people",
                "counted",
            ).order_by()
        )
        # The events' audiences, their ids asked of the database again rather than sent as a long list.
        links = Audience.events.through.objects.filter(eventpage_id__in=tallies.values("event_id"))
        self.audiences: dict[int, list[str]] = defaultdict(list)
        for event_id, code in links.values_list("eventpage_id", "audience__code"):
            self.audiences[event_id].append(code)

    def lines(self, key) -> Lines:
        lines = Lines()
        for row in self.rows:
            for line in key(row):
                lines.add(line, *row[4:])
        return lines

    def by_kind(self) -> list[Tally]:
        lines = self.lines(lambda row: [row[2]])
        labels = dict(EventKind.choices)
        return [lines.tally(kind, str(labels.get(kind, kind))) for kind in sorted(lines.sessions)]

    def by_audience(self) -> list[Tally]:
        lines = self.lines(lambda row: self.audiences.get(row[1], []))
        return [
            lines.tally(code, str(label)) for code, label in AudienceCode.choices if code in lines.sessions
        ]

    def by_campaign(self) -> list[Tally]:
        lines = self.lines(lambda row: [row[3]] if row[3] is not None else [])
        return [lines.tally(name, name) for name in sorted(lines.sessions)]

    def by_institution(self) -> dict[int, Tally]:
        lines = self.lines(lambda row: [row[0]])
        return {pk: lines.tally(pk, "") for pk in lines.sessions}


def institution_figures(year: int, active, held: HeldSessions, visits: Visits) -> list[InstitutionFigures]:
    """Each active institution of the area with its figures: a few grouped queries, whatever their number."""
    kinds = dict(InstitutionPage._meta.get_field("kind").choices)
    lines = {
        pk: InstitutionFigures(pk, title, str(kinds.get(kind, kind)), unit or "")
        for pk, title, kind, unit in active.order_by("unit__name", "title").values_list(
            "pk", "title", "kind", "unit__name"
        )
    }
    for pk, tally in held.by_institution().items():
        lines[pk].sessions, lines[pk].attendance = tally.sessions, tally.attendance
    for pk, total in visits.learning_by_institution().items():
        lines[pk].learning_visits = total
    records = ServiceRecord.objects.filter(institution__in=active, year=year).values_list(
        "institution_id", "lifelong_learning_services", "digital_transformation"
    )
    for pk, lifelong, digital in records:
        lines[pk].lifelong, lines[pk].digital = lifelong, digital
    return list(lines.values())


@dataclass
class YearFigures:
    """One institution's year, as a story shows it beside the text: counts only, never people.
    None is "no data" (nothing recorded), never 0."""

    year: int
    sessions: int | None
    attendance: int | None
    learning_visits: int | None


def figures_of(year: int, institutions) -> dict[int, YearFigures]:
    """Each institution of `institutions` (a query) by id, with its held sessions, their attendance and
    its learning visits in `year`: the yearly report's own tallies, a few grouped queries."""
    held = HeldSessions(year, institutions).by_institution()
    visits = Visits(year, institutions).learning_by_institution()
    figures = {}
    for pk in institutions.values_list("pk", flat=True):
        tally = held.get(pk)
        figures[pk] = YearFigures(
            year,
            sessions=tally.sessions if tally else None,
            attendance=tally.attendance if tally else None,
            learning_visits=visits.get(pk),
        )
    return figures


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
    # The months with a count, from the year's visit tallies (one bit a month, `institutions.tallies`).
    months: dict[int, int] = defaultdict(int)
    tallies = VisitTally.objects.filter(institution__in=counted.values("pk"), year=year)
    for pk, bits in tallies.values_list("institution_id", "months"):
        months[pk] |= bits
    for pk, title, unit in (
        counted.distinct().order_by("unit__name", "title").values_list("pk", "title", "unit__name")
    ):
        gaps = [month for month in range(1, last_month + 1) if not months[pk] & 1 << (month - 1)]
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
