"""Seed the fixed audiences, the national days of observances.csv, their yearly campaigns and a few topics."""

import csv
import datetime as dt
from pathlib import Path

from django.db import migrations

OBSERVANCES_CSV = Path(__file__).resolve().parent.parent / "data" / "observances.csv"
AUDIENCES = ["children", "teenagers", "adults", "older_people", "families", "people_with_disabilities"]
TOPICS = [
    ("Văn hóa đọc", "Reading culture", "van-hoa-doc"),
    ("Lịch sử địa phương", "Local history", "lich-su-dia-phuong"),
    ("Kỹ năng số", "Digital skills", "ky-nang-so"),
    ("Dân ca Ví, Giặm", "Ví and Giặm folk songs", "dan-ca-vi-giam"),
    ("Ngoại ngữ", "Foreign languages", "ngoai-ngu"),
    ("Nông nghiệp", "Farming", "nong-nghiep"),
    ("Sức khỏe", "Health", "suc-khoe"),
    ("Kỹ năng sống", "Life skills", "ky-nang-song"),
    ("Di sản văn hóa", "Cultural heritage", "di-san-van-hoa"),
    ("Thể dục thể thao", "Sport and exercise", "the-duc-the-thao"),
]
# Campaign editions seeded for these years; staff add later years and set-each-year dates in the admin.
YEARS = range(2024, 2028)
SLUGS = {
    "Vietnam Book and Reading Culture Day": "ngay-sach",
    "World Book and Copyright Day": "ngay-sach-the-gioi",
    "International Museum Day": "ngay-bao-tang",
    "Vietnam Study Promotion Day": "ngay-khuyen-hoc",
    "Vietnam Cultural Heritage Day": "ngay-di-san",
    "Vietnam Culture Day": "ngay-van-hoa",
    "Lifelong Learning Week": "tuan-le-hoc-tap-suot-doi",
}


def seed(apps, schema_editor):
    Audience = apps.get_model("events", "Audience")
    Observance = apps.get_model("events", "Observance")
    Campaign = apps.get_model("events", "Campaign")
    Topic = apps.get_model("events", "Topic")

    for code in AUDIENCES:
        Audience.objects.get_or_create(code=code)
    for name, name_en, slug in TOPICS:
        Topic.objects.get_or_create(slug=slug, defaults={"name": name, "name_en": name_en})

    with OBSERVANCES_CSV.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            observance, _created = Observance.objects.get_or_create(
                name=row["name_vi"],
                defaults={
                    "name_en": row["name_en"],
                    "month": int(row["month"]) if row["month"] else None,
                    "day": int(row["day"]) if row["day"] else None,
                    "note": row["notes"],
                },
            )
            slug = SLUGS.get(row["name_en"])
            if not slug or not observance.month:
                continue
            for year in YEARS:
                if row["name_en"] == "Vietnam Culture Day" and year < 2026:
                    continue  # a new day from 2026
                day = dt.date(year, observance.month, observance.day)
                Campaign.objects.get_or_create(
                    slug=f"{slug}-{year}",
                    defaults={
                        "name": f"{observance.name} {year}",
                        "name_en": f"{observance.name_en} {year}",
                        "observance": observance,
                        "starts_on": day,
                        "ends_on": day,
                    },
                )

    week = Observance.objects.get(name_en="Lifelong Learning Week")
    Campaign.objects.get_or_create(
        slug="tuan-le-hoc-tap-suot-doi-2025",
        defaults={
            "name": f"{week.name} 2025",
            "name_en": f"{week.name_en} 2025",
            "observance": week,
            "starts_on": dt.date(2025, 10, 1),
            "ends_on": dt.date(2025, 10, 7),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("events", "0002_events_and_sessions")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
