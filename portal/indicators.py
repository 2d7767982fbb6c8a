"""The plan's indicators (SPEC §4), computed by database aggregation.

For year Y an institution is *active* if it opened on or before 31/12/Y (or has no opening date) and
closed on or after 1/1/Y (or is open). A *held session* is a session in Y, not cancelled, of a published
event. Percentages count active institutions of a group; counts add learning visits and attendance at held
sessions. Nothing here loops over attendance or visit rows: every number is one aggregate query.

Every figure is kept exact (a Decimal of 28 significant digits) through comparisons and exports: rounding
is for display only (SPEC §4; `core.text.number` rounds to one decimal), so a share of 79.96 % does not meet
a target of 80 %, and a machine reading the JSON gets the figure itself.
"""

from __future__ import annotations

import datetime as dt
import operator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from decimal import Decimal
from functools import reduce

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.text import number
from events.choices import EventKind
from events.models import Attendance, SessionTally, local_midnight
from institutions.choices import VisitPurpose
from institutions.models import AdministrativeUnit, InstitutionPage, ServiceRecord, VisitCount, VisitTally
from institutions.record_rules import (
    FIRST_INSTITUTION_DAY,
    FIRST_RECORD_DAY,
    LAST_INSTITUTION_DAY,
    MAX_ATTENDEES,
    MAX_VISITS,
    last_record_day,
)

from .models.targets import Target

# The first year the portal's statistics, results and open data offer.
FIRST_YEAR = 2020


def statistics_years() -> list[int]:
    """This year back to FIRST_YEAR, newest first: the years every year chooser offers."""
    return list(range(timezone.localdate().year, FIRST_YEAR - 1, -1))


GROUPS: dict[str, Q] = {
    "library_district_public": Q(kind="library", level="district", sector="public"),
    "library_commune_public": Q(kind="library", level="commune", sector="public"),
    "library_armed_forces": Q(kind="library", sector="armed_forces"),
    "library_education": Q(kind="library", sector="education"),
    "culture_district": Q(kind="cultural_centre", level="district"),
    "culture_commune_village": Q(kind="cultural_centre", level__in=["commune", "village"]),
    "library_all": Q(kind="library"),
    "museum_all": Q(kind="museum"),
}
LIBRARY_GROUPS = [
    "library_district_public",
    "library_commune_public",
    "library_armed_forces",
    "library_education",
]

# (indicator, group, kind of value) in the order of the plan.
INDICATORS: list[tuple[str, str, str]] = [
    *[("lifelong_learning_services", group, "percent") for group in LIBRARY_GROUPS],
    *[("digital_transformation", group, "percent") for group in LIBRARY_GROUPS],
    ("age_group_activities", "culture_district", "percent"),
    ("regular_clubs_classes", "culture_commune_village", "percent"),
    ("library_learning_uses", "library_all", "count"),
    ("museum_study_visits", "museum_all", "count"),
]

LABELS = {
    "lifelong_learning_services": _("Libraries offering lifelong-learning services"),
    "digital_transformation": _("Libraries applying digital transformation"),
    "age_group_activities": _("District culture centres with activities for age groups"),
    "regular_clubs_classes": _("Commune and village culture houses with regular clubs and classes"),
    "library_learning_uses": _("Library uses for learning"),
    "museum_study_visits": _("Museum visits for study"),
}
GROUP_LABELS = {
    "library_district_public": _("District public libraries"),
    "library_commune_public": _("Commune public libraries"),
    "library_armed_forces": _("Armed forces libraries"),
    "library_education": _("School and college libraries"),
    "culture_district": _("District culture centres"),
    "culture_commune_village": _("Commune and village culture houses"),
    "library_all": _("All libraries"),
    "museum_all": _("All museums"),
}


@dataclass
class IndicatorValue:
    indicator: str
    group: str
    year: int
    area: str | None
    kind: str  # "percent" or "count"
    value: Decimal | int | None
    numerator: int | None = None
    denominator: int | None = None
    growth: Decimal | None = None  # percent over Y-1 (counts)
    average_growth: Decimal | None = None  # average yearly growth since the base year (counts)
    base_year: int | None = None
    target: Decimal | None = None
    target_2025: Decimal | None = None
    target_2030_from: Decimal | None = None  # 2030's target, or the lower end of its range (10–12 %)
    target_2030_to: Decimal | None = None

    @property
    def label(self) -> str:
        return str(LABELS[self.indicator])

    @property
    def group_label(self) -> str:
        return str(GROUP_LABELS[self.group])

    @property
    def target_2030(self) -> str:
        """2030's target as shown: "80" or a range "80–100", in the language's number format."""
        if self.target_2030_from is None:
            return ""
        low = number(self.target_2030_from.normalize())
        if self.target_2030_to is None:
            return low
        return f"{low}–{number(self.target_2030_to.normalize())}"

    @property
    def measured(self) -> Decimal | None:
        """What the target is compared with: the percent, or for counts the average growth."""
        return self.value if self.kind == "percent" else self.average_growth

    @property
    def on_track(self) -> bool | None:
        if self.measured is None or self.target is None:
            return None
        return self.measured >= self.target

    def as_json(self) -> dict:
        """The figures as JSON numbers, unrounded; `target_2030` is the figure to reach (the lower end of
        a range, whose upper end is `target_2030_to`)."""
        data = asdict(self)
        data["target_2030"] = self.target_2030_from
        for key, value in data.items():
            if isinstance(value, Decimal):
                data[key] = float(value)
        if self.kind == "percent":
            for key in ("growth", "average_growth", "base_year"):
                data.pop(key)
        else:
            for key in ("numerator", "denominator"):
                data.pop(key)
        data["on_track"] = self.on_track
        return data


def year_range(year: int) -> tuple[dt.datetime, dt.datetime]:
    return local_midnight(dt.date(year, 1, 1)), local_midnight(dt.date(year + 1, 1, 1))


def held_tallies():
    """The yearly tallies of held sessions: sessions not cancelled (the tallies count those) of a published
    event. `events.tallies` keeps the tallies with every write to sessions and attendance; publication is
    read here, with them."""
    return SessionTally.objects.filter(event__live=True, sessions__gt=0)


def institutions_of(group: str, area: AdministrativeUnit | None):
    institutions = InstitutionPage.objects.filter(GROUPS[group])
    return institutions.in_area(area) if area else institutions


def through(condition: Q, relation: str) -> Q:
    """A condition on an institution (a group's Q) asked of the rows that point to one through `relation`."""
    children = [
        through(child, relation) if isinstance(child, Q) else (f"{relation}__{child[0]}", child[1])
        for child in condition.children
    ]
    return Q(*children, _connector=condition.connector, _negated=condition.negated)


def area_condition(area: AdministrativeUnit | None) -> Q:
    """Institutions in `area` and the units below it (every institution without an area)."""
    if area is None:
        return Q()
    return Q(
        unit_id__in=remembered(("area", area.pk), lambda: AdministrativeUnit.objects.descendant_ids(area))
    )


PERCENTS = [(indicator, group) for indicator, group, kind in INDICATORS if kind == "percent"]
COUNTS = [group for _indicator, group, kind in INDICATORS if kind == "count"]
REGULAR_KINDS = [EventKind.CLASS, EventKind.CLUB, EventKind.INTEREST_GROUP]


def percent_conditions(year: int) -> tuple[dict[str, Exists], dict[str, Q]]:
    """What each institution is asked (one indexed look-up each: its tallies and its service record of the
    year), and which answers put it in each percent indicator's numerator."""
    tallies = held_tallies().filter(institution=OuterRef("pk"), year=year)
    records = ServiceRecord.objects.filter(year=year, institution=OuterRef("pk"))
    questions = {
        "held": Exists(tallies),
        "for_audiences": Exists(tallies.filter(event__eventpage__audiences__isnull=False)),
        "regular": Exists(
            tallies.filter(
                event__eventpage__kind__in=REGULAR_KINDS, sessions__gte=settings.INDICATORS_REGULAR_SESSIONS
            )
        ),
        "says_lifelong": Exists(records.filter(lifelong_learning_services=True)),
        "says_digital": Exists(records.filter(digital_transformation=True)),
    }
    numerators = {
        "lifelong_learning_services": Q(held=True) | Q(says_lifelong=True),
        "digital_transformation": Q(says_digital=True),
        "age_group_activities": Q(for_audiences=True),
        "regular_clubs_classes": Q(regular=True) | Q(says_lifelong=True),
    }
    return questions, numerators


# Figures asked for twice within one piece of work (a page shows the year's value and the same year in
# its chart's series): inside `shared_figures()`, each is computed once. Nothing outlives the block, so
# no figure can be stale.
_figures: ContextVar[dict | None] = ContextVar("shared_figures", default=None)


@contextmanager
def shared_figures():
    if _figures.get() is not None:  # inside another block: its figures are shared
        yield
        return
    token = _figures.set({})
    try:
        yield
    finally:
        _figures.reset(token)


def remembered(key: tuple, figure):
    known = _figures.get()
    if known is None:
        return figure()
    if key not in known:
        known[key] = figure()
    return known[key]


def percent_value(indicator: str, group: str, year: int, area: AdministrativeUnit | None) -> tuple:
    """(value, numerator, denominator) of a percent indicator; value None when no institution is active."""
    return percent_values(year, area)[(indicator, group)]


def percent_values(year: int, area: AdministrativeUnit | None) -> dict[tuple[str, str], tuple]:
    return remembered(("percents", year, area.pk if area else None), lambda: count_percents(year, area))


def count_percents(year: int, area: AdministrativeUnit | None) -> dict[tuple[str, str], tuple]:
    """Every percent indicator of the year, in one query: each active institution of the groups is asked
    its questions once, and the groups' numerators and denominators are counted from the answers."""
    questions, numerators = percent_conditions(year)
    groups = sorted({group for _indicator, group in PERCENTS})
    active = (
        InstitutionPage.objects.active_in(year)
        .filter(area_condition(area), reduce(operator.or_, (GROUPS[group] for group in groups)))
        .annotate(**questions)
    )
    totals = active.aggregate(
        **{f"active_{index}": Count("pk", filter=GROUPS[group]) for index, group in enumerate(groups)},
        **{
            f"counted_{index}": Count("pk", filter=GROUPS[group] & numerators[indicator])
            for index, (indicator, group) in enumerate(PERCENTS)
        },
    )
    found = {}
    for index, (indicator, group) in enumerate(PERCENTS):
        numerator, denominator = totals[f"counted_{index}"], totals[f"active_{groups.index(group)}"]
        value = Decimal(numerator) * 100 / denominator if denominator else None
        found[(indicator, group)] = (value, numerator, denominator)
    return found


@dataclass
class YearUses:
    """A count indicator's year: the uses, and whether anything was recorded at all (the base year)."""

    uses: int | None  # None: no learning visit, headcount or check-in counted
    recorded: bool


def uses(group: str, year: int, area: AdministrativeUnit | None) -> int | None:
    found = yearly_uses(area)[group].get(year)
    return found.uses if found else None


def yearly_uses(area: AdministrativeUnit | None) -> dict[str, dict[int, YearUses]]:
    return remembered(("uses", area.pk if area else None), lambda: count_yearly_uses(area))


def count_yearly_uses(area: AdministrativeUnit | None) -> dict[str, dict[int, YearUses]]:
    """Each count indicator's uses, year by year: learning visits (all channels) plus attendance at held
    sessions (the headcount typed, else the people checked in), from the yearly tallies in two grouped
    queries (`institutions.tallies`, `events.tallies`).

    A figure above the entry screens' caps cannot be right (and could overflow the sum): it is left
    out and listed by `data_errors` instead; the tallies keep it apart."""

    def figures(rows, names: dict[str, str], extra: Q) -> dict[tuple[str, int], dict[str, int]]:
        sums = {}
        for index, group in enumerate(COUNTS):
            in_group = through(GROUPS[group], "institution")
            for name, field in names.items():
                condition = in_group & extra if name != "recorded" else in_group
                sums[f"{name}_{index}"] = Sum(field, filter=condition)
        found = {}
        for row in rows.values("year").annotate(**sums).order_by():
            for index, group in enumerate(COUNTS):
                found[(group, row["year"])] = {name: row[f"{name}_{index}"] or 0 for name in names}
        return found

    scope = through(area_condition(area) & reduce(operator.or_, (GROUPS[g] for g in COUNTS)), "institution")
    visits = figures(
        VisitTally.objects.filter(scope, purpose=VisitPurpose.LEARNING),
        {"uses": "usable_visits", "rows": "usable_counts", "recorded": "counts"},
        Q(),
    )
    sessions = figures(
        SessionTally.objects.filter(scope),
        {
            "uses": "attendance",
            "rows": "headcounts",
            "checked_in": "checked_in",
            "checked_rows": "checked_sessions",
            "recorded": "recorded",
        },
        Q(event__live=True),
    )
    table: dict[str, dict[int, YearUses]] = {group: {} for group in COUNTS}
    for group, year in visits.keys() | sessions.keys():
        seen = visits.get((group, year), {})
        held = sessions.get((group, year), {})
        rows = seen.get("rows", 0) + held.get("rows", 0) + held.get("checked_rows", 0)
        table[group][year] = YearUses(
            uses=seen.get("uses", 0) + held.get("uses", 0) + held.get("checked_in", 0) if rows else None,
            recorded=bool(seen.get("recorded") or held.get("recorded")),
        )
    return table


def growth(current: int | None, previous: int | None) -> Decimal | None:
    if current is None or not previous:
        return None
    return (Decimal(current) / Decimal(previous) - 1) * 100


def average_growth(current: int | None, base: int | None, years: int) -> Decimal | None:
    if current is None or not base or years <= 0:
        return None
    return ((Decimal(current) / Decimal(base)) ** (Decimal(1) / years) - 1) * 100


def base_year_for(group: str, year: int, area) -> int | None:
    """The base year of average growth: INDICATORS_BASE_YEAR, else the first earlier year in which an
    institution of the group recorded anything (a learning visit, a headcount or a check-in, at any
    session). Records dated before the plan's range (a slip such as 1800-01-01) are data errors, not a
    base year."""
    if settings.INDICATORS_BASE_YEAR:
        return settings.INDICATORS_BASE_YEAR if year > settings.INDICATORS_BASE_YEAR else None
    years = [
        known
        for known, figures in yearly_uses(area)[group].items()
        if figures.recorded and FIRST_RECORD_DAY.year <= known < year
    ]
    return min(years) if years else None


@dataclass
class DataError:
    """A stored record no statistic can use as it is: what it is, why, and where to correct it."""

    record: object
    reason: str


def data_errors(area: AdministrativeUnit | None = None, limit: int = 50) -> list[DataError]:
    """Records outside the rules of the entry screens and imports (days before 2000 or after this year,
    counts above the caps, institutions opened or closed outside 1800–2200), written before the rules
    or by hand in the database. The statistics leave them out; staff see them listed to correct them."""
    institutions = InstitutionPage.objects.in_area(area) if area else InstitutionPage.objects.all()
    found: list[DataError] = []
    bad_visits = VisitCount.objects.filter(institution__in=institutions).filter(
        Q(date__lt=FIRST_RECORD_DAY) | Q(date__gt=last_record_day()) | Q(visits__gt=MAX_VISITS)
    )
    for count in bad_visits.select_related("institution")[:limit]:
        found.append(DataError(count, _("a visit count outside the days or the numbers the plan counts")))
    bad_attendance = Attendance.objects.filter(session__institution__in=institutions).filter(
        Q(attendees__gt=MAX_ATTENDEES)
        | Q(children__gt=MAX_ATTENDEES)
        | Q(women__gt=MAX_ATTENDEES)
        | Q(disabled__gt=MAX_ATTENDEES)
    )
    for record in bad_attendance.select_related("session__event")[:limit]:
        found.append(
            DataError(
                record, _("a headcount above %(max)s") % {"max": f"{MAX_ATTENDEES:,}".replace(",", ".")}
            )
        )
    bad_institutions = institutions.filter(
        Q(opened_on__lt=FIRST_INSTITUTION_DAY)
        | Q(opened_on__gt=LAST_INSTITUTION_DAY)
        | Q(closed_on__lt=FIRST_INSTITUTION_DAY)
        | Q(closed_on__gt=LAST_INSTITUTION_DAY)
    )
    for institution in bad_institutions[:limit]:
        found.append(DataError(institution, _("an opening or closing day outside 1800–2200")))
    return found[:limit]


def compute(year: int, area: AdministrativeUnit | None = None) -> list[IndicatorValue]:
    """Every indicator of the plan for `year`, in the province or in `area` (and the units below it)."""
    with shared_figures():  # the percents in one query, the counts of every year in two
        return indicator_values(year, area)


def indicator_values(year: int, area: AdministrativeUnit | None) -> list[IndicatorValue]:
    targets = {(t.indicator, t.group): t for t in Target.objects.all()}
    results = []
    for indicator, group, kind in INDICATORS:
        target = targets.get((indicator, group))
        row = IndicatorValue(
            indicator=indicator,
            group=group,
            year=year,
            area=area.code if area else None,
            kind=kind,
            value=None,
            target=target.for_year(year) if target else None,
            target_2025=target.target_2025 if target else None,
            target_2030_from=target.target_2030_min if target else None,
            target_2030_to=target.target_2030_max if target else None,
        )
        if kind == "percent":
            row.value, row.numerator, row.denominator = percent_value(indicator, group, year, area)
        else:
            row.value = uses(group, year, area)
            row.growth = growth(row.value, uses(group, year - 1, area))
            row.base_year = base_year_for(group, year, area)
            if row.base_year:
                row.average_growth = average_growth(
                    row.value, uses(group, row.base_year, area), year - row.base_year
                )
        results.append(row)
    return results


def series(indicator: str, group: str, years: range, area=None) -> list[tuple[int, Decimal | int | None]]:
    """One indicator over several years, for the dashboard's charts."""
    kind = next(k for i, g, k in INDICATORS if (i, g) == (indicator, group))
    with shared_figures():
        if kind == "percent":
            return [(year, percent_value(indicator, group, year, area)[0]) for year in years]
        return [(year, uses(group, year, area)) for year in years]
