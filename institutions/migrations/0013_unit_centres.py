"""Where each administrative unit is (institutions/data/unit_centres.csv, written by
scripts/unit_successors.py): the centre "Gần tôi" measures distances from."""

import csv
from pathlib import Path

from django.db import migrations, models

CENTRES_CSV = Path(__file__).resolve().parent.parent / "data" / "unit_centres.csv"


def place(apps, schema_editor):
    Unit = apps.get_model("institutions", "AdministrativeUnit")
    units = {
        (unit.code, unit.valid_to.isoformat() if unit.valid_to else ""): unit for unit in Unit.objects.all()
    }
    with CENTRES_CSV.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            unit = units.get((row["code"], row["valid_to"]))
            if unit is not None:
                unit.latitude, unit.longitude = row["latitude"], row["longitude"]
                unit.save(update_fields=["latitude", "longitude"])


def unplace(apps, schema_editor):
    apps.get_model("institutions", "AdministrativeUnit").objects.update(latitude=None, longitude=None)


class Migration(migrations.Migration):
    dependencies = [
        ("institutions", "0012_unit_successors"),
    ]

    operations = [
        migrations.AddField(
            model_name="administrativeunit",
            name="latitude",
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=9, null=True, verbose_name="latitude"
            ),
        ),
        migrations.AddField(
            model_name="administrativeunit",
            name="longitude",
            field=models.DecimalField(
                blank=True, decimal_places=6, max_digits=9, null=True, verbose_name="longitude"
            ),
        ),
        migrations.RunPython(place, unplace),
    ]
