"""Seed the plan's targets from reference/plan_targets.csv (shipped as portal/data/plan_targets.csv)."""

import csv
from decimal import Decimal
from pathlib import Path

from django.db import migrations

TARGETS_CSV = Path(__file__).resolve().parent.parent / "data" / "plan_targets.csv"
# The plan names the growth indicators with a _growth suffix; the portal computes them as the uses counts.
NAMES = {
    "library_learning_uses_growth": "library_learning_uses",
    "museum_study_visits_growth": "museum_study_visits",
}


def seed(apps, schema_editor):
    Target = apps.get_model("portal", "Target")
    with TARGETS_CSV.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            low, _dash, high = row["target_2030"].partition("-")
            Target.objects.update_or_create(
                indicator=NAMES.get(row["indicator"], row["indicator"]),
                group=row["group"],
                defaults={
                    "target_2025": Decimal(row["target_2025"]),
                    "target_2030_min": Decimal(low),
                    "target_2030_max": Decimal(high) if high else None,
                    "unit": row["unit"],
                    "source_text": row["source_text"],
                },
            )


class Migration(migrations.Migration):
    dependencies = [("portal", "0003_targets")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
