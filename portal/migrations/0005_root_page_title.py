"""The page tree's top is "Root" in Wagtail: staff read its title in the explorer, the breadcrumbs and the
sort hints, so it gets a Vietnamese one. Renamed only while it still has Wagtail's title."""

from django.db import migrations

TITLE = "Gốc"


def rename(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title="Root").update(title=TITLE, draft_title=TITLE)


def restore(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Page.objects.filter(depth=1, title=TITLE).update(title="Root", draft_title="Root")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0004_seed_targets"),
        ("wagtailcore", "0001_initial"),
    ]

    operations = [migrations.RunPython(rename, restore)]
