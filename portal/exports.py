"""Indicator tables as CSV (UTF-8 with BOM, safe to open in Excel) and XLSX."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.spreadsheets import safe_cell

from .indicators import IndicatorValue

__all__ = ["safe_cell", "to_csv", "to_xlsx"]


# Year, numerator and denominator: whole numbers (1-based columns of the sheet).
WHOLE_COLUMNS = {3, 6, 7}


def header() -> list[str]:
    return [
        _("Indicator"),
        _("Group"),
        _("Year"),
        _("Area"),
        _("Value"),
        _("Numerator"),
        _("Denominator"),
        _("Growth over the year before (%)"),
        _("Average yearly growth (%)"),
        _("Target"),
        _("Target 2025"),
        _("Target 2030 (from)"),
        _("Target 2030 (to)"),
        _("On track"),
    ]


def row_cells(row: IndicatorValue, area_name: str) -> list:
    on_track = {True: _("yes"), False: _("no"), None: ""}[row.on_track]
    return [
        row.label,
        row.group_label,
        row.year,
        area_name,
        row.value,
        row.numerator,
        row.denominator,
        row.growth,
        row.average_growth,
        row.target,
        row.target_2025,
        row.target_2030_from,
        row.target_2030_to,
        on_track,
    ]


def to_csv(rows: list[IndicatorValue], area_name: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([safe_cell(cell) for cell in header()])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row_cells(row, area_name)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[IndicatorValue], area_name: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Indicators")[:31]
    sheet.append(header())
    for row in rows:
        sheet.append([safe_cell(cell) for cell in row_cells(row, area_name)])
    # Every value and target a number cell, shown with one decimal (Excel writes 66,7 in Vietnamese).
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                cell.number_format = "#,##0" if cell.column in WHOLE_COLUMNS else "#,##0.0"
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 18
    sheet.column_dimensions["A"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
