from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from institutions.models import AdministrativeUnit
from portal.report_documents import report_docx, report_html
from portal.yearly_report import build


class Command(BaseCommand):
    help = (
        "Write the plan's yearly report for a year and an area (the province without --area) as a Word "
        "document or a printable HTML page: the same figures as the statistics dashboard."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--area", default="", help="an administrative unit's code (default: the province)"
        )
        parser.add_argument("--format", choices=["docx", "html"], default="docx")
        parser.add_argument("--output", required=True, help="the file to write")
        parser.add_argument("--language", default="vi", choices=["vi", "en"])

    def handle(self, *args, year, area, format, output, language, **options):
        unit = None
        if area and area != "42":
            unit = AdministrativeUnit.objects.filter(code=area).order_by("valid_to").first()
            if unit is None:
                raise CommandError(f"--area: no administrative unit has the code {area!r}.")
        with translation.override(language):
            report = build(year, unit)
            content = report_docx(report) if format == "docx" else report_html(report).encode()
        Path(output).write_bytes(content)
        self.stdout.write(
            f"Yearly report {year} for {report.area_name} written to {output} ({len(content):,} bytes)."
        )
