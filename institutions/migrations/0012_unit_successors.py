"""Each commune and ward of Hà Tĩnh before 1 July 2025, with today's unit it became part of
(institutions/data/unit_successors.csv, written by scripts/unit_successors.py)."""

import csv
from pathlib import Path

import django.db.models.deletion
from django.db import migrations, models

SUCCESSORS_CSV = Path(__file__).resolve().parent.parent / "data" / "unit_successors.csv"


def link(apps, schema_editor):
    Unit = apps.get_model("institutions", "AdministrativeUnit")
    today = {unit.code: unit for unit in Unit.objects.filter(level="commune", valid_to=None)}
    former = {unit.code: unit for unit in Unit.objects.filter(level="commune").exclude(valid_to=None)}
    with SUCCESSORS_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            codes = row["successor_codes"].split()
            unit = former.get(row["former_code"])
            if unit is not None and codes and codes[0] in today:
                unit.successor = today[codes[0]]
                unit.save(update_fields=["successor"])


def unlink(apps, schema_editor):
    apps.get_model("institutions", "AdministrativeUnit").objects.update(successor=None)


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0011_photo_description"),
    ]

    operations = [
        migrations.AddField(
            model_name="administrativeunit",
            name="successor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="predecessors",
                to="institutions.administrativeunit",
                verbose_name="became part of",
            ),
        ),
        migrations.RunPython(link, unlink),
    ]
