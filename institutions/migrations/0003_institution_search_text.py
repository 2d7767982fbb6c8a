from anyascii import anyascii
from django.db import migrations, models


def fill_search_text(apps, schema_editor):
    InstitutionPage = apps.get_model("institutions", "InstitutionPage")
    for page in InstitutionPage.objects.only("title", "address", "code"):
        page.search_text = anyascii(" ".join([page.title, page.address, page.code])).lower()
        page.save(update_fields=["search_text"])


class Migration(migrations.Migration):
    dependencies = [("institutions", "0002_load_administrative_units")]

    operations = [
        migrations.AddField(
            model_name="institutionpage",
            name="search_text",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
