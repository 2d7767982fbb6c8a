"""The statistics dashboard in the admin: indicators against targets, yearly series, drill-down, exports."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.admin_url_finder import AdminURLFinder

from institutions.filters import AreaField
from institutions.models import AdministrativeUnit, units_for_choices
from institutions.roles import area_allowed, statistics_areas

from .charts import bar_chart
from .exports import to_csv, to_xlsx
from .indicators import (
    FIRST_YEAR,
    GROUP_LABELS,
    INDICATORS,
    LABELS,
    compute,
    data_errors,
    percent_value,
    series,
    shared_figures,
    statistics_years,
    uses,
)


def can_view_statistics(user) -> bool:
    """Provincial staff see every area; area officers their own; institution editors none."""
    allowed = statistics_areas(user)
    return user.is_active and (allowed is None or bool(allowed))


def year_choices() -> list[tuple[int, int]]:
    return [(year, year) for year in statistics_years()]


class StatisticsForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, choices=year_choices)
    area = AreaField(label=gettext_lazy("Area"), required=False)

    def __init__(self, *args, allowed: list[AdministrativeUnit] | None = None, **kwargs):
        """`allowed`: an officer's areas, offered with the units inside them (None: the whole province)."""
        super().__init__(*args, **kwargs)
        if allowed is not None:
            ids = set().union(*(AdministrativeUnit.objects.descendant_ids(unit) for unit in allowed))
            units = AdministrativeUnit.objects.filter(pk__in=ids).order_by("level", "name")
            self.fields["area"].choices = units_for_choices(units)
            shared = AdministrativeUnit.objects.filter(code=allowed[0].code).count() > 1
            own = allowed[0].area_value(shared)
            self.initial.setdefault("area", own)
            if self.is_bound and not self.data.get("area"):  # the form shows the area the numbers are of
                self.data = self.data.copy()
                self.data["area"] = own


def selection(request) -> tuple[StatisticsForm, int, AdministrativeUnit | None]:
    """The chosen year and area; last year and the whole province (an officer: their own area) when
    nothing (valid) is chosen."""
    allowed = statistics_areas(request.user)
    form = StatisticsForm(
        request.GET or None, initial={"year": timezone.localdate().year - 1}, allowed=allowed or None
    )
    year, area = timezone.localdate().year - 1, None
    if form.is_bound and form.is_valid():
        year, area = form.cleaned_data["year"], form.cleaned_data["area"]
    if area is None and allowed:
        area = allowed[0]  # an officer starts in their own area
    if not area_allowed(request.user, area):
        raise PermissionDenied
    return form, year, area


def dashboard_view(request):
    if not can_view_statistics(request.user):
        raise PermissionDenied
    form, year, area = selection(request)
    with shared_figures():  # the year's figures and the charts' series share what they have in common
        return dashboard_page(request, form, year, area)


def dashboard_page(request, form, year, area):
    rows = compute(year, area)
    area_name = str(area) if area else _("Hà Tĩnh province")

    export = request.GET.get("export")
    if export in {"csv", "xlsx"}:
        filename = f"chi-tieu-{year}-{area.code if area else '42'}.{export}"
        if export == "csv":
            response = HttpResponse(to_csv(rows, area_name), content_type="text/csv; charset=utf-8")
        else:
            response = HttpResponse(
                to_xlsx(rows, area_name),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    years = range(max(FIRST_YEAR, year - 4), year + 1)
    charts = {
        (row.indicator, row.group): bar_chart(
            series(row.indicator, row.group, years, area),
            row.kind == "percent",
            f"{row.label} – {row.group_label}",
        )
        for row in rows
    }
    finder = AdminURLFinder(request.user)
    errors = [(error, finder.get_edit_url(error.record)) for error in data_errors(area)]
    template = "portal/admin/report.html" if request.GET.get("print") else "portal/admin/dashboard.html"
    return TemplateResponse(
        request,
        template,
        {
            "page_title": _("Statistics"),
            "form": form,
            "year": year,
            "area": area,
            "area_name": area_name,
            "rows": [(row, charts[(row.indicator, row.group)]) for row in rows],
            "query": request.GET.urlencode(),
            "data_errors": errors,
            "today": timezone.localdate(),
            "year_is_complete": year < timezone.localdate().year,
            "this_year_query": this_year_query(request),
            "yearly_report_url": reverse("portal_yearly_report", args=[year])
            + "?"
            + urlencode({"area": request.GET.get("area", "")}),
        },
    )


def this_year_query(request) -> str:
    """The same selection for the year under way (the dashboard opens on the last complete year)."""
    params = request.GET.copy()
    params["year"] = timezone.localdate().year
    for name in ("export", "print"):
        params.pop(name, None)
    return params.urlencode()


def drilldown_view(request):
    """One indicator for each district (before 07/2025) and for today's communes, in a year."""
    if not can_view_statistics(request.user):
        raise PermissionDenied
    form, year, _area = selection(request)
    indicator, group = request.GET.get("indicator"), request.GET.get("group")
    kind = next((k for i, g, k in INDICATORS if (i, g) == (indicator, group)), None)
    if kind is None:
        return HttpResponse(_("Unknown indicator."), status=400, content_type="text/plain; charset=utf-8")
    units = list(AdministrativeUnit.objects.filter(level="district").order_by("name"))
    units += list(AdministrativeUnit.objects.filter(level="commune", valid_to__isnull=True).order_by("name"))
    units = [unit for unit in units if area_allowed(request.user, unit)]
    table = []
    for unit in units:
        if kind == "percent":
            value, numerator, denominator = percent_value(indicator, group, year, unit)
        else:
            value, numerator, denominator = uses(group, year, unit), None, None
        if denominator or value:
            table.append((unit, value, numerator, denominator))
    return TemplateResponse(
        request,
        "portal/admin/drilldown.html",
        {
            "page_title": _("Statistics by area"),
            "form": form,
            "year": year,
            "label": LABELS[indicator],
            "group_label": GROUP_LABELS[group],
            "kind": kind,
            "table": table,
        },
    )
