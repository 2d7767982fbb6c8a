import json
import sys
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.text import number
from institutions.models import AdministrativeUnit
from portal.exports import header, row_cells, to_csv
from portal.indicators import compute, data_errors


def shown(cell) -> str:
    """A cell of the printed table: figures rounded for reading (the JSON and CSV keep them unrounded)."""
    if cell is None:
        return ""
    return number(cell) if isinstance(cell, Decimal) else str(cell)


class Command(BaseCommand):
    help = "Print the plan's indicators for a year, for the province or an area."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--area", help="statistics code of an administrative unit (units below it included)"
        )
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args, year, area, format, **options):
        if not 2000 <= year <= 2100:
            raise CommandError(_("Give a year from 2000 to 2100."))
        unit = None
        if area:
            unit = AdministrativeUnit.parse_area(area)
            if unit is None:
                raise CommandError(
                    _("There is no administrative unit with the code “%(value)s”.") % {"value": area}
                )
        rows = compute(year, unit)
        area_name = str(unit) if unit else _("Hà Tĩnh province")
        for error in data_errors(unit):  # on stderr: the numbers on stdout stay machine-readable
            self.stderr.write(
                _("Left out, correct it: %(record)s (%(reason)s)")
                % {"record": error.record, "reason": error.reason}
            )
        if format == "json":
            self.stdout.write(json.dumps([row.as_json() for row in rows], ensure_ascii=False, indent=2))
        elif format == "csv":
            sys.stdout.flush()
            self.stdout.write(to_csv(rows, area_name).decode("utf-8"), ending="")
        else:
            self.stdout.write(f"{area_name} – {year}")
            columns = header()
            table = [[shown(cell) for cell in row_cells(row, area_name)] for row in rows]
            keep = [0, 1, 4, 5, 6, 7, 8, 9, 12]
            widths = [max(len(columns[i]), *(len(r[i]) for r in table)) for i in keep]
            self.stdout.write("  ".join(columns[i].ljust(w) for i, w in zip(keep, widths, strict=True)))
            for cells in table:
                self.stdout.write("  ".join(cells[i].ljust(w) for i, w in zip(keep, widths, strict=True)))
