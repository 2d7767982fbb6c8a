"""The plan's results for everyone (`/ket-qua/`, SPEC §12): every indicator of a year and an area against
its targets, with the yearly series as a chart drawn on the server and a table beside it.

The figures are `portal.indicators.compute` and `series`, the computation of the staff dashboard and of
`manage.py indicators`: nothing here counts anything. The page is the same for every visitor and is kept
in the public cache for `RESULTS_CACHE_SECONDS`, so a new figure shows within minutes.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from core.public_cache import cache_publicly, register_parameters
from institutions.filters import AreaField

from .charts import bar_chart
from .dashboard import year_choices
from .indicators import FIRST_YEAR, compute, series, shared_figures
from .yearly_report import OBJECTIVE_TITLES, OBJECTIVES

SERIES_YEARS = 5

PARAMETERS = ("year", "area")
register_parameters(*PARAMETERS)


class ResultsForm(forms.Form):
    year = forms.TypedChoiceField(
        label=gettext_lazy("Year"), coerce=int, choices=year_choices, required=False, empty_value=None
    )
    area = AreaField(label=gettext_lazy("Area"), required=False)


@require_safe
def results_view(request):
    """A year (the last complete one unless chosen) and an area (the province unless chosen). A year or an
    area that does not exist is said on the page, with the province's last complete year shown. Other
    parameters (a tracker's `fbclid`) change nothing."""
    chosen = {name: request.GET[name] for name in PARAMETERS if request.GET.get(name)}
    form = ResultsForm(chosen or None, initial={"year": timezone.localdate().year - 1})
    year, area = timezone.localdate().year - 1, None
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"] or year
        area = form.cleaned_data["area"]
    years = range(max(FIRST_YEAR, year - SERIES_YEARS + 1), year + 1)
    lines = []
    with shared_figures():  # the year's figures and the charts' series share what they have in common
        for row in compute(year, area):
            points = series(row.indicator, row.group, years, area)
            title = f"{row.label} – {row.group_label}"
            lines.append((row, points, bar_chart(points, row.kind == "percent", title)))
    objectives = [
        (OBJECTIVE_TITLES[name](), [line for line in lines if line[0].indicator in names])
        for name, names in OBJECTIVES
    ]
    context = {
        "form": form,
        "year": year,
        "area_name": str(area) if area else _("Hà Tĩnh province"),
        "objectives": objectives,
        "year_is_complete": year < timezone.localdate().year,
    }
    status = 400 if form.is_bound and not form.is_valid() else 200
    response = render(request, "portal/results.html", context, status=status)
    if status == 200 and set(request.GET) <= set(PARAMETERS):  # no entry kept for a stray parameter
        cache_publicly(response, settings.RESULTS_CACHE_SECONDS)
    return response
