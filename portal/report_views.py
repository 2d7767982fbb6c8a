"""The yearly report in the admin's statistics section: `/admin/statistics/bao-cao/<year>/?area=CODE`, the
printable page, and `&format=docx` the Word document. For the officers of the area and the province's
staff; every generation is in the audit log."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from wagtail.log_actions import log

from institutions.models import AdministrativeUnit
from institutions.roles import area_allowed, statistics_areas

from .dashboard import StatisticsForm, can_view_statistics
from .report_documents import report_docx, report_html
from .yearly_report import build

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def report_area(request, year: int) -> AdministrativeUnit | None:
    """The area asked for (an officer: their own when none), if the person may see it."""
    allowed = statistics_areas(request.user)
    form = StatisticsForm({"year": year, "area": request.GET.get("area", "")}, allowed=allowed or None)
    if not form.is_valid():
        raise PermissionDenied  # a year or an area outside what the person may choose
    area = form.cleaned_data["area"] or (allowed[0] if allowed else None)
    if not area_allowed(request.user, area):
        raise PermissionDenied
    return area


def yearly_report_view(request, year: int):
    if not can_view_statistics(request.user):
        raise PermissionDenied
    area = report_area(request, year)
    report = build(year, area)
    unit = area or AdministrativeUnit.objects.filter(level="province").first()
    wanted = "docx" if request.GET.get("format") == "docx" else "html"
    if unit is not None:
        log(unit, "portal.yearly_report", user=request.user, data={"year": year, "format": wanted})
    code = area.code if area else "42"
    if wanted == "docx":
        response = HttpResponse(report_docx(report), content_type=DOCX)
        response["Content-Disposition"] = f'attachment; filename="bao-cao-{year}-{code}.docx"'
        return response
    query = urlencode({"area": request.GET.get("area", ""), "format": "docx"})
    back = reverse("portal_statistics") + "?" + urlencode({"year": year, "area": request.GET.get("area", "")})
    html = report_html(report, docx_url=f"{request.path}?{query}", back_url=back)
    return HttpResponse(html)
