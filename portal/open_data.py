"""Open data (`/du-lieu-mo/`, SPEC §12): the directory, the sessions of a year, each institution's yearly
figures and the plan's indicators, as CSV and JSON under an open licence, with a DCAT catalogue.

Counts only: no column names, reaches or identifies a person (registrations, subscribers, check-ins
and who recorded what never leave the portal; an institution's phone and mail stay on its page). Every
figure comes from the statistics code (`portal.indicators`, `portal.yearly_report`): the indicators
are `compute`, and an institution's line is the yearly report's. The downloads are written as they
are read, a batch of rows at a time from one query, so a year of the province's sessions never sits
in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, F, Max, Q, When
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from core.links import PageLink
from core.public_cache import cache_publicly, register_parameters
from core.spreadsheets import FORMULA_STARTS
from events.models import EventPage, Session
from institutions.choices import VisitChannel, VisitPurpose
from institutions.models import AdministrativeUnit, InstitutionPage
from institutions.record_rules import MAX_ATTENDEES

from .indicators import FIRST_YEAR, compute, statistics_years, year_range
from .yearly_report import HeldSessions, Visits

LICENCE_NAME = "Creative Commons Attribution 4.0 International (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
BATCH = 2000

register_parameters("year", "area")


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    columns: list[tuple[str, str]]  # name, meaning
    by_year: bool
    by_area: bool = False

    @property
    def names(self) -> list[str]:
        return [name for name, _meaning in self.columns]


DIRECTORY = Dataset(
    "co-so",
    _("Institutions"),
    _("The libraries, museums, cultural centres and community learning centres in the directory."),
    [
        ("code", _("the institution's code")),
        ("name", _("its name")),
        ("kind", _("library, museum, cultural_centre or community_learning_centre")),
        ("level", _("province, district, commune or village")),
        ("sector", _("public, armed_forces, education or community")),
        ("area_code", _("statistics code of its administrative unit")),
        ("area_name", _("name of its administrative unit")),
        ("address", _("its address")),
        ("latitude", _("latitude (WGS 84)")),
        ("longitude", _("longitude (WGS 84)")),
        ("website", _("its own website")),
        ("opened_on", _("opening day (YYYY-MM-DD), if known")),
        ("closed_on", _("closing day (YYYY-MM-DD), if closed")),
        ("url", _("its page on this portal")),
    ],
    by_year=False,
)
SESSIONS = Dataset(
    "buoi-hoat-dong",
    _("Sessions of a year"),
    _("Every session of the published events in a year: when, what, where, and how many people came."),
    [
        ("session_id", _("the session's number on this portal")),
        ("start", _("start (ISO 8601, Vietnam time)")),
        ("end", _("end (ISO 8601, Vietnam time)")),
        ("all_day", _("true for a session without hours")),
        ("status", _("scheduled, moved or cancelled")),
        ("in_schedule", _("false for a session taken out of the event's schedule (kept for its figures)")),
        ("event_uid", _("the event's calendar UID, the same as in the iCalendar feeds")),
        ("event_title", _("the event's title")),
        ("event_kind", _("class, club, talk, exhibition, … (the listing's kinds)")),
        ("free", _("true if free of charge")),
        ("campaign", _("the campaign it belongs to, if any")),
        ("institution_code", _("the code of the institution holding it")),
        ("area_code", _("statistics code of that institution's administrative unit")),
        (
            "attendance",
            _("people who came: the headcount recorded, else the people checked in; empty if not counted"),
        ),
        ("event_url", _("the event's page on this portal")),
    ],
    by_year=True,
)
FIGURES = Dataset(
    "so-lieu-co-so",
    _("Yearly figures of each institution"),
    _(
        "For each institution open in a year: the sessions it held, the people at them, and its visits "
        "by purpose and channel."
    ),
    [
        ("institution_code", _("the institution's code")),
        ("institution_name", _("its name")),
        ("kind", _("library, museum, cultural_centre or community_learning_centre")),
        ("area_code", _("statistics code of its administrative unit")),
        ("year", _("the year")),
        ("sessions_held", _("sessions held (not cancelled, of published events)")),
        ("attendance", _("people at those sessions; empty if none was counted")),
        ("visits_learning", _("visits for learning (study, research, reading, information), all channels")),
        ("visits_other", _("visits for other purposes, all channels")),
        ("visits_onsite", _("visits on the premises")),
        ("visits_virtual", _("virtual visits")),
        ("visits_outreach", _("visits at outreach activities")),
    ],
    by_year=True,
)
INDICATORS = Dataset(
    "chi-so",
    _("Indicators of the plan"),
    _("The plan's indicators for a year and an area, against their 2025 and 2030 targets, unrounded."),
    [
        ("indicator", _("the indicator (SPEC §4)")),
        ("group", _("the group of institutions it measures")),
        ("year", _("the year")),
        ("area", _("statistics code of the area; empty for the province")),
        ("kind", _("percent (a share of institutions) or count (uses)")),
        ("value", _("the share in percent, or the count; empty without data")),
        ("numerator", _("institutions that did it (shares)")),
        ("denominator", _("institutions of the group open in the year (shares)")),
        ("growth", _("growth over the year before, in percent (counts)")),
        ("average_growth", _("average yearly growth since the base year, in percent (counts)")),
        ("base_year", _("the base year of the average growth (counts)")),
        ("target", _("the target the year is measured against")),
        ("target_2025", _("the target for 2025")),
        ("target_2030", _("the target for 2030 (the lower end of a range)")),
        ("target_2030_from", _("the lower end of the 2030 target")),
        ("target_2030_to", _("the upper end of the 2030 target, if it is a range")),
        ("on_track", _("true if the year's target is met, false if not, empty without data")),
    ],
    by_year=True,
    by_area=True,
)
DATASETS = {dataset.slug: dataset for dataset in (DIRECTORY, SESSIONS, FIGURES, INDICATORS)}
FORMATS = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


class BadRequest(Exception):
    pass


def last_complete_year() -> int:
    return timezone.localdate().year - 1


def read_year(request, default: int) -> int:
    value = request.GET.get("year", "")
    if not value:
        return default
    if not value.isdigit() or not FIRST_YEAR <= int(value) <= timezone.localdate().year:
        last = timezone.localdate().year
        raise BadRequest(_("Give a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": last})
    return int(value)


def read_area(request) -> AdministrativeUnit | None:
    value = request.GET.get("area", "")
    if not value:
        return None
    unit = AdministrativeUnit.parse_area(value)
    if unit is None:
        raise BadRequest(_("There is no administrative unit with the code “%(value)s”.") % {"value": value})
    return unit


# Rows: each dataset's rows as tuples in the order of its columns.


def page_link(request) -> Callable[[str], str]:
    """An absolute address for a page's `url_path`, as Wagtail makes it. On one site (this portal's
    setup) a page's address is the site's own followed by the page's path below the site's root, so
    each row costs a slice instead of Wagtail's reverse(); on several, Wagtail's own `get_url`."""
    link = PageLink("/")
    roots = link._get_site_root_paths(request)
    with translation.override(settings.LANGUAGE_CODE):  # Vietnamese addresses, whatever the client asks
        base = request.build_absolute_uri(reverse("wagtail_serve", args=("",)))

    def url(url_path: str) -> str:
        if len(roots) == 1 and url_path.startswith(roots[0].root_path):
            return base + url_path[len(roots[0].root_path) :]
        link.url_path = url_path
        with translation.override(settings.LANGUAGE_CODE):
            return request.build_absolute_uri(link.get_url(request))

    return url


def directory_rows(request, year, area) -> Iterator[tuple]:
    url = page_link(request)
    rows = (
        InstitutionPage.objects.live()
        .order_by("sort_key", "pk")
        .values_list(
            "code",
            "title",
            "kind",
            "level",
            "sector",
            "unit__code",
            "unit__name",
            "address",
            "latitude",
            "longitude",
            "website",
            "opened_on",
            "closed_on",
            "url_path",
        )  # fmt: skip
    )
    for *cells, url_path in rows.iterator(chunk_size=BATCH):
        yield (*cells, url(url_path))


# A session's attendance as the statistics count it: the headcount recorded (unless above the entry
# screens' cap: a data error the statistics leave out), else the people checked in; else nothing.
ATTENDANCE = Case(
    When(attendance__attendees__lte=MAX_ATTENDEES, then=F("attendance__attendees")),
    When(Q(attendance__isnull=True, checked_in__gt=0), then=F("checked_in")),
    default=None,
)


def session_rows(request, year, area) -> Iterator[tuple]:
    url = page_link(request)
    first, after = year_range(year)
    rows = (
        Session.objects.filter(start__gte=first, start__lt=after, event__live=True)
        .order_by("start", "pk")
        .values_list(
            "pk",
            "start",
            "end",
            "all_day",
            "status",
            "in_schedule",
            "event__uid",
            "event__title",
            "event__kind",
            "event__is_free",
            "event__campaign__name",
            "institution__code",
            "institution__unit__code",
            ATTENDANCE,
            "event__url_path",
        )  # fmt: skip
    )
    here = timezone.get_current_timezone()
    for *cells, url_path in rows.iterator(chunk_size=BATCH):
        cells[1], cells[2] = cells[1].astimezone(here), cells[2].astimezone(here)
        yield (*cells, url(url_path))


def figure_rows(request, year, area) -> Iterator[tuple]:
    active = InstitutionPage.objects.active_in(year)
    held = HeldSessions(year, active).by_institution()
    visits = Visits(year, active).by_institution()
    # Named lines for the published institutions only: a draft's name is not public yet.
    lines = active.live().order_by("sort_key", "pk").values_list("pk", "code", "title", "kind", "unit__code")
    for pk, *cells in lines.iterator(chunk_size=BATCH):
        tally, counts = held.get(pk), visits.get(pk, {})
        yield (
            *cells,
            year,
            tally.sessions if tally else 0,
            tally.attendance if tally else None,
            visit_total(counts, purpose=VisitPurpose.LEARNING),
            visit_total(counts, purpose=VisitPurpose.OTHER),
            visit_total(counts, channel=VisitChannel.ONSITE),
            visit_total(counts, channel=VisitChannel.VIRTUAL),
            visit_total(counts, channel=VisitChannel.OUTREACH),
        )


def visit_total(counts: dict[tuple[str, str], int], purpose=None, channel=None) -> int | None:
    """One institution's visits of a purpose or a channel; None if none was counted."""
    found = [n for (p, c), n in counts.items() if purpose in (None, p) and channel in (None, c)]
    return sum(found) if found else None


def indicator_rows(request, year, area) -> Iterator[tuple]:
    for item in compute(year, area):
        data = item.as_json()
        yield tuple(data.get(name) for name in INDICATORS.names)


ROWS = {DIRECTORY.slug: directory_rows, SESSIONS.slug: session_rows, FIGURES.slug: figure_rows}


# Writing: CSV (UTF-8 with a BOM for Excel, cells that a spreadsheet would run as a formula kept as text)
# and JSON (a list of objects), a batch of rows at a time.


FORMULA_FIRST = frozenset(start[0] for start in FORMULA_STARTS)


def csv_cell(value):
    """A cell as text; text a spreadsheet would run as a formula gets a leading ' (it shows as text)."""
    kind = type(value)
    if kind is str:
        return f"'{value}" if value and value[0] in FORMULA_FIRST else value
    if kind is int:
        return value
    if value is None:
        return ""
    if kind is bool:
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return repr(float(value))
    return csv_cell(str(value))


def json_value(value):
    kind = type(value)
    if kind is str or kind is int or value is None or kind is bool:
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


class Line:
    """Where csv.writer writes one line: it gives the line back."""

    def write(self, text: str) -> str:
        return text


def write_csv(columns: list[str], rows: Iterable[tuple]) -> Iterator[str]:
    writer = csv.writer(Line())
    batch = ["\ufeff" + writer.writerow(columns)]
    for row in rows:
        batch.append(writer.writerow([csv_cell(value) for value in row]))
        if len(batch) >= BATCH:
            yield "".join(batch)
            batch = []
    yield "".join(batch)


def write_json(columns: list[str], rows: Iterable[tuple]) -> Iterator[str]:
    batch, separator = ["["], ""
    for row in rows:
        item = {name: json_value(value) for name, value in zip(columns, row, strict=True)}
        batch.append(separator + json.dumps(item, ensure_ascii=False))
        separator = ","
        if len(batch) >= BATCH:
            yield "".join(batch)
            batch = []
    batch.append("]")
    yield "".join(batch)


@require_safe
def download(request, dataset: str, fmt: str):
    if dataset not in DATASETS or fmt not in FORMATS:
        return HttpResponse(
            str(_("There is no such download.")), status=404, content_type="text/plain; charset=utf-8"
        )
    chosen = DATASETS[dataset]
    try:
        default_year = timezone.localdate().year if chosen is SESSIONS else last_complete_year()
        year = read_year(request, default_year) if chosen.by_year else None
        area = read_area(request) if chosen.by_area else None
    except BadRequest as error:
        return HttpResponse(str(error), status=400, content_type="text/plain; charset=utf-8")
    if chosen is INDICATORS:  # a dozen lines: written at once, and kept in the public cache
        if fmt == "json":  # the fields of `manage.py indicators --format json`
            response = JsonResponse([item.as_json() for item in compute(year, area)], safe=False)
        else:
            body = "".join(write_csv(chosen.names, indicator_rows(request, year, area)))
            response = HttpResponse(body.encode(), content_type=FORMATS[fmt])
        cache_publicly(response, settings.RESULTS_CACHE_SECONDS)
    else:
        writer = write_csv if fmt == "csv" else write_json
        rows = ROWS[dataset](request, year, area)
        response = StreamingHttpResponse(writer(chosen.names, rows), content_type=FORMATS[fmt])
    parts = [chosen.slug]
    if chosen.by_year:
        parts.append(str(year))
    if area is not None:
        parts.append(area.code)
    response["Content-Disposition"] = f'attachment; filename="{"-".join(parts)}.{fmt}"'
    return response


# The page and the catalogue.


def last_updates() -> dict[str, dt.datetime | None]:
    """When each dataset last changed: the directory and the sessions with their pages' publication. The
    figures and the indicators are computed at each download from every record: None (they have no
    date of their own)."""
    return {
        DIRECTORY.slug: InstitutionPage.objects.live().aggregate(at=Max("last_published_at"))["at"],
        SESSIONS.slug: EventPage.objects.live().aggregate(at=Max("last_published_at"))["at"],
        FIGURES.slug: None,
        INDICATORS.slug: None,
    }


@require_safe
def open_data_page(request):
    from .results import ResultsForm

    updates = last_updates()
    context = {
        "datasets": [(dataset, updates[dataset.slug]) for dataset in DATASETS.values()],
        "years": statistics_years(),
        "default_year": last_complete_year(),
        "this_year": timezone.localdate().year,
        "area_field": ResultsForm()["area"],
        "licence_name": LICENCE_NAME,
        "licence_url": LICENCE_URL,
        "catalog_url": reverse("open_data_catalog"),
    }
    response = render(request, "portal/open_data.html", context)
    if not request.GET:  # the page reads no parameter: no entry kept for one
        cache_publicly(response, settings.RESULTS_CACHE_SECONDS)
    return response


@require_safe
def catalog(request):
    """The datasets as a DCAT catalogue in JSON-LD: one dcat:Dataset a download, one dcat:distribution a
    format."""
    updates = last_updates()
    with translation.override(settings.LANGUAGE_CODE):  # the same identifiers whatever the client's language
        page = request.build_absolute_uri(reverse("open_data"))
        catalog_id = request.build_absolute_uri(reverse("open_data_catalog"))
    datasets = []
    for dataset in DATASETS.values():
        modified = updates[dataset.slug]
        distributions = []
        for fmt, media_type in FORMATS.items():
            url = request.build_absolute_uri(reverse("open_data_download", args=[dataset.slug, fmt]))
            distributions.append(
                {
                    "@id": f"{url}#distribution",
                    "@type": "dcat:Distribution",
                    "dct:format": fmt.upper(),
                    "dcat:mediaType": media_type.split(";")[0],
                    "dcat:downloadURL": {"@id": url},
                    "dcat:accessURL": {"@id": page},
                    "dct:license": {"@id": LICENCE_URL},
                }
            )
        datasets.append(
            {
                "@id": f"{page}#{dataset.slug}",
                "@type": "dcat:Dataset",
                "dct:identifier": dataset.slug,
                "dct:title": str(dataset.title),
                "dct:description": str(dataset.description),
                "dct:modified": {"@value": modified.isoformat(), "@type": "xsd:dateTime"}
                if modified
                else None,
                "dct:license": {"@id": LICENCE_URL},
                "dct:spatial": "Hà Tĩnh, Việt Nam",
                "dcat:keyword": ["học tập suốt đời", "lifelong learning", "Hà Tĩnh"],
                "dcat:distribution": distributions,
            }
        )
    for item in datasets:
        if item["dct:modified"] is None:
            del item["dct:modified"]
    document = {
        "@context": {
            "dcat": "http://www.w3.org/ns/dcat#",
            "dct": "http://purl.org/dc/terms/",
            "foaf": "http://xmlns.com/foaf/0.1/",
            "xsd": "http://www.w3.org/2001/XMLSchema#",
        },
        "@id": catalog_id,
        "@type": "dcat:Catalog",
        "dct:title": str(_("Open data of the Hà Tĩnh lifelong-learning portal")),
        "dct:publisher": {
            "@type": "foaf:Organization",
            "foaf:name": str(_("Hà Tĩnh Department of Culture, Sports and Tourism")),
        },
        "dct:license": {"@id": LICENCE_URL},
        "foaf:homepage": {"@id": page},
        "dcat:dataset": datasets,
    }
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False, "indent": 1})
    response["Content-Type"] = "application/ld+json"
    return cache_publicly(response, settings.RESULTS_CACHE_SECONDS)
