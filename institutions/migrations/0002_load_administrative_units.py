"""Ship Hà Tĩnh's administrative units: both snapshots, before and from 1 July 2025."""

import csv
import datetime as dt
from pathlib import Path

from django.db import migrations

UNITS_CSV = Path(__file__).resolve().parent.parent / "data" / "ha_tinh_admin_units.csv"


def parse_date(value):
    return dt.date.fromisoformat(value) if value else None


def load_units(apps, schema_editor):
    Unit = apps.get_model("institutions", "AdministrativeUnit")
    with UNITS_CSV.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))

    units = []
    for row in rows:
        unit = Unit.objects.create(
            code=row["code"],
            name=row["name"],
            unit_type=row["type"],
            level=row["level"],
            valid_from=parse_date(row["valid_from"]),
            valid_to=parse_date(row["valid_to"]),
        )
        units.append((unit, row["parent_code"]))

    by_code = {}
    for unit, _parent_code in units:
        by_code.setdefault(unit.code, []).append(unit)

    for unit, parent_code in units:
        if not parent_code:
            continue
        # The parent is the unit with that code that existed when the child did. Lộc Hà's communes
        # kept Lộc Hà (448) as parent after it ended on 31/12/2024, hence the fallback to the latest.
        day = unit.valid_to or unit.valid_from
        candidates = by_code[parent_code]
        valid = [
            c
            for c in candidates
            if day is None
            or ((c.valid_from is None or c.valid_from <= day) and (c.valid_to is None or c.valid_to >= day))
        ]
        unit.parent = (valid or sorted(candidates, key=lambda c: c.valid_from or dt.date.min))[-1]
        unit.save(update_fields=["parent"])


def unload_units(apps, schema_editor):
    Unit = apps.get_model("institutions", "AdministrativeUnit")
    Unit.objects.filter(level="village").delete()
    Unit.objects.filter(level="commune").delete()
    Unit.objects.filter(level="district").delete()
    Unit.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("institutions", "0001_initial")]

    operations = [migrations.RunPython(load_units, unload_units)]
