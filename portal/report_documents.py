"""The yearly report (`portal.yearly_report`) written out: a printable page (A4, the charts as SVG drawn on
the server) and a Word document in the layout of a Vietnamese administrative document (Decree 30/2020/
NĐ-CP: the issuing body and the national motto at the head, place and date, Times New Roman 13–14 pt,
A4 with its margins, numbered sections, tables with their units), made with python-docx and editable in
Word and LibreOffice. Both show the same figures, each through `core.text.number`, and "no data" for None.
"""

from __future__ import annotations

import copy
import io
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.formats import get_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from core.text import number

from .yearly_report import Indicator, YearlyReport

FONT = "Times New Roman"


def figure(value, suffix: str = "") -> str:
    """A figure as the report writes it: grouped digits, or "no data" (never 0 for nothing recorded)."""
    return _("no data") if value is None else number(value) + suffix


def institution_rows(report: YearlyReport) -> list[list[str]]:
    """The table of institutions, thousands of cells: the words and the separator are looked up once,
    and the whole numbers grouped as `number` groups them."""
    words = {None: _("no data"), True: _("yes"), False: _("no")}
    separator = get_format("THOUSAND_SEPARATOR")

    def whole(value: int | None) -> str:
        return words[None] if value is None else f"{value:,}".replace(",", separator)

    return [
        [
            line.name,
            line.unit,
            line.kind,
            whole(line.sessions),
            whole(line.attendance),
            whole(line.learning_visits),
            words[line.lifelong],
            words[line.digital],
        ]
        for line in report.institutions
    ]


def value_text(item: Indicator) -> str:
    row = item.row
    if row.kind == "percent":
        if row.value is None:
            return _("no data")
        return f"{number(row.value)}% ({number(row.numerator)}/{number(row.denominator)})"
    return figure(row.value)


def change_text(item: Indicator) -> str:
    if item.change is None:
        return _("no data")
    sign = "+" if item.change > 0 else ""
    return f"{sign}{number(item.change)}" + (_(" points") if item.row.kind == "percent" else "%")


def average_text(item: Indicator) -> str:
    row = item.row
    if row.kind == "percent":
        return "–"
    if row.average_growth is None:
        return _("no data")
    return _("%(growth)s%% a year since %(year)s") % {
        "growth": number(row.average_growth),
        "year": row.base_year,
    }


def target_text(value, kind: str) -> str:
    if value in (None, ""):
        return "–"
    text = number(value.normalize()) if isinstance(value, Decimal) else str(value)
    return text + ("%" if kind == "percent" else _("% a year"))


def met_text(item: Indicator) -> str:
    return {True: _("met"), False: _("not met"), None: _("no data")}[item.met]


def issuer(report: YearlyReport) -> tuple[str, str]:
    """The issuing body's two lines at the head of the document."""
    if report.area is None:
        return _("HÀ TĨNH PROVINCIAL PEOPLE'S COMMITTEE"), _("DEPARTMENT OF CULTURE, SPORTS AND TOURISM")
    return _("HÀ TĨNH PROVINCIAL PEOPLE'S COMMITTEE"), _("PEOPLE'S COMMITTEE OF %(area)s") % {
        "area": report.area.label.upper()
    }


def indicator_rows(report: YearlyReport) -> list[tuple[str, list[list[str]]]]:
    """Section I's tables: per objective, one line per indicator."""
    return [
        (
            title,
            [
                [
                    f"{item.row.label} – {item.row.group_label}",
                    value_text(item),
                    change_text(item),
                    average_text(item),
                    target_text(item.row.target_2025, item.row.kind),
                    target_text(item.row.target_2030, item.row.kind),
                    met_text(item),
                ]
                for item in indicators
            ],
        )
        for title, indicators in report.objectives
    ]


def indicator_headings() -> list[str]:
    return [
        _("Indicator"),
        _("Value"),
        _("Change over the year before"),
        _("Average growth"),
        _("Target 2025"),
        _("Target 2030"),
        _("Target of the year"),
    ]


def tables(report: YearlyReport) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Every table after section I, as headings and rows of text, shared by both forms."""
    return {
        "coverage": (
            [_("Group"), _("Active"), _("Offering lifelong-learning services"), _("Applying IT")],
            [
                [line.label, number(line.active), number(line.lifelong), number(line.digital)]
                for line in report.coverage
            ],
        ),
        "visits": (
            [_("Purpose"), *report.channels, _("Total")],
            [[purpose, *[figure(value) for value in values]] for purpose, values in report.visits],
        ),
        "kind": (
            [_("Kind"), _("Sessions held"), _("Attendance")],
            [[t.label, number(t.sessions), figure(t.attendance)] for t in report.by_kind],
        ),
        "audience": (
            [_("For"), _("Sessions held"), _("Attendance")],
            [[t.label, number(t.sessions), figure(t.attendance)] for t in report.by_audience],
        ),
        "campaign": (
            [_("Campaign"), _("Sessions held"), _("Attendance")],
            [[t.label, number(t.sessions), figure(t.attendance)] for t in report.by_campaign],
        ),
        "institutions": (
            [
                _("Institution"),
                _("Area"),
                _("Kind"),
                _("Sessions held"),
                _("Attendance"),
                _("Visits for learning"),
                _("Lifelong-learning services"),
                _("Applying IT"),
            ],
            institution_rows(report),
        ),
        "missing": (
            [_("Institution"), _("Area"), _("Missing")],
            [[line.institution, line.unit, line.what] for line in report.missing],
        ),
    }


# The printable page


def target_chart(title: str, indicators: list[Indicator]) -> str:
    """Horizontal bars of the percent indicators against the year's target (a tick), as SVG."""
    percents = [item for item in indicators if item.row.kind == "percent"]
    if not percents:
        return ""
    width, bar_height, left = 640, 18, 260
    scale = (width - left - 60) / 100
    parts = []
    for index, item in enumerate(percents):
        y = 10 + index * (bar_height + 12)
        value = item.row.value
        size = 0 if value is None else float(value) * scale
        label = f"{item.row.group_label}"
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="11" text-anchor="end">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="#0b5d3b"></rect>'
                '<text x="{}" y="{}" font-size="11">{}</text>',
                left - 6,
                y + 13,
                label[:42],
                left,
                y,
                f"{size:.1f}",
                bar_height,
                f"{left + size + 4:.1f}",
                y + 13,
                figure(value, "%"),
            )
        )
        if item.row.target is not None:
            x = left + float(item.row.target) * scale
            parts.append(
                format_html(
                    '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#b00020" stroke-width="2"></line>',
                    f"{x:.1f}",
                    y - 3,
                    f"{x:.1f}",
                    y + bar_height + 3,
                )
            )
    height = 20 + len(percents) * (bar_height + 12)
    return format_html(
        '<svg role="img" aria-label="{}" width="{}" height="{}" viewBox="0 0 {} {}">{}</svg>',
        title,
        width,
        height,
        width,
        height,
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def report_html(report: YearlyReport, docx_url: str = "", back_url: str = "") -> str:
    sections = indicator_rows(report)
    charts = [
        target_chart(_("%(title)s: each share against the year's target (red line)") % {"title": title}, rows)
        for title, rows in report.objectives
    ]
    first, second = issuer(report)
    return render_to_string(
        "portal/admin/yearly_report.html",
        {
            "report": report,
            "issuer": (first, second),
            "objectives": [
                (title, rows, chart) for (title, rows), chart in zip(sections, charts, strict=True)
            ],
            "indicator_headings": indicator_headings(),
            "tables": tables(report),
            "docx_url": docx_url,
            "back_url": back_url,
        },
    )


# The Word document


def report_docx(report: YearlyReport) -> bytes:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    # Decree 30/2020/NĐ-CP, annex I: top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm.
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(6)
    for name in ("Heading 1", "Heading 2", "Title"):
        heading = document.styles[name]
        heading.font.name, heading.font.color.rgb = FONT, None
        heading.font.size = Pt(14)
        heading.font.bold = True
        rpr = heading.element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:ascii"), FONT)
        rpr.get_or_add_rFonts().set(qn("w:hAnsi"), FONT)

    head = document.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    first, second = issuer(report)
    left, right = head.rows[0].cells
    centred(left.paragraphs[0], first, size=13)
    centred(left.add_paragraph(), second, size=13, bold=True)
    centred(right.paragraphs[0], _("SOCIALIST REPUBLIC OF VIETNAM"), size=13, bold=True)
    centred(right.add_paragraph(), _("Independence – Freedom – Happiness"), size=14, bold=True)
    place = document.add_paragraph()
    place.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = place.add_run(
        _("Hà Tĩnh, day %(day)s month %(month)s year %(year)s")
        % {"day": f"{report.made_on:%d}", "month": f"{report.made_on:%m}", "year": report.made_on.year}
    )
    run.italic = True
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.style = document.styles["Title"]
    title.add_run(_("REPORT")).bold = True
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run(report_title(report)).bold = True

    document.add_heading(_("I. RESULTS AGAINST THE PLAN'S TARGETS"), level=1)
    for number_, (title_text, rows) in enumerate(indicator_rows(report), start=1):
        document.add_heading(f"{number_}. {title_text}", level=2)
        unit_line(document, _("Unit: percent of the active institutions of each group; visits for counts"))
        table_of(document, indicator_headings(), rows)
    all_tables = tables(report)
    unit_line(document, _("Coverage behind the libraries' shares (unit: institutions)"))
    table_of(document, *all_tables["coverage"])
    document.add_heading(_("II. ACTIVITIES SERVING LIFELONG LEARNING"), level=1)
    document.add_heading(_("1. Visits by purpose and channel"), level=2)
    unit_line(document, _("Unit: visits"))
    table_of(document, *all_tables["visits"])
    document.add_heading(_("2. Sessions held by kind"), level=2)
    unit_line(document, _("Unit: sessions; people"))
    table_of(document, *all_tables["kind"])
    document.add_heading(_("3. Sessions held by audience"), level=2)
    unit_line(document, _("Unit: sessions; people"))
    table_of(document, *all_tables["audience"])
    document.add_heading(_("4. Sessions held in the campaigns"), level=2)
    unit_line(document, _("Unit: sessions; people"))
    table_of(document, *all_tables["campaign"])
    document.add_heading(_("III. FIGURES OF EACH INSTITUTION"), level=1)
    unit_line(document, _("Unit: sessions; people; visits"))
    table_of(document, *all_tables["institutions"], size=11)
    document.add_heading(_("IV. MISSING DATA"), level=1)
    if report.missing:
        table_of(document, *all_tables["missing"], size=12)
    else:
        document.add_paragraph(_("Nothing is missing."))
    document.add_heading(_("V. FINDINGS"), level=1)
    for sentence in report.findings:
        document.add_paragraph(sentence)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def report_title(report: YearlyReport) -> str:
    return _(
        "Results of the plan implementing Decision 1520/QĐ-TTg on lifelong learning in libraries, museums "
        "and culture centres, year %(year)s – %(area)s"
    ) % {"year": report.year, "area": report.area_name}


def centred(paragraph, text: str, size: int, bold: bool = False) -> None:
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold, run.font.size = bold, Pt(size)


def unit_line(document, text: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.italic, run.font.size = True, Pt(12)


def table_of(document, headings: list[str], rows: list[list[str]], size: int = 12) -> None:
    """A table with its headings in bold. The first row is written through python-docx; the others are
    copies of its XML with their texts set: a province's 2,000 institutions in a fraction of a second,
    where python-docx's cell by cell would take seconds."""
    if not rows:
        document.add_paragraph(_("no data"))
        return
    table = document.add_table(rows=1, cols=len(headings))
    table.style = document.styles["Table Grid"]
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        run = cell.paragraphs[0].add_run(text)
        run.bold, run.font.size = True, Pt(size)
    model = table.add_row()
    for index, cell in enumerate(model.cells):
        paragraph = cell.paragraphs[0]
        if index:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.add_run("-").font.size = Pt(size)  # a text element for each cell, set below
    template = model._tr
    for values in rows:
        row = copy.deepcopy(template)
        for text_element, text in zip(row.iter(qn("w:t")), values, strict=True):
            text_element.text = text
            if text != text.strip():
                text_element.set(qn("xml:space"), "preserve")
        table._tbl.append(row)
    table._tbl.remove(template)
