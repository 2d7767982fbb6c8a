"""Replace Wagtail's welcome page with the portal's home, directory and calendar pages.

`migrate` alone gives a working site, so imports work on an empty database.
"""

from django.db import migrations

PAGES = [
    # (app, model, title, slug, path)
    ("portal", "homepage", "Học tập suốt đời Hà Tĩnh", "trang-chu", "00010002"),
    ("institutions", "institutionindexpage", "Danh bạ cơ sở", "co-so", "000100020001"),
    ("events", "eventindexpage", "Lịch hoạt động", "lich-hoat-dong", "000100020002"),
]


def create_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")

    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    locale = Locale.objects.order_by("pk").first()

    created = {}
    for app_label, model_name, title, slug, path in PAGES:
        model = apps.get_model(app_label, model_name)
        content_type, _created = ContentType.objects.get_or_create(app_label=app_label, model=model_name)
        depth = len(path) // 4
        created[path] = model.objects.create(
            title=title,
            draft_title=title,
            slug=slug,
            content_type=content_type,
            path=path,
            depth=depth,
            numchild=2 if depth == 2 else 0,
            url_path="/trang-chu/" if depth == 2 else f"/trang-chu/{slug}/",
            live=True,
            locale=locale,
        )

    root = Page.objects.get(depth=1)
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])

    home = created["00010002"]
    site = Site.objects.filter(is_default_site=True).first()
    if site:
        site.root_page_id = home.pk
        site.site_name = "Học tập suốt đời Hà Tĩnh"
        site.save()
    else:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page_id=home.pk,
            is_default_site=True,
            site_name="Học tập suốt đời Hà Tĩnh",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("institutions", "0002_load_administrative_units"),
        ("events", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
