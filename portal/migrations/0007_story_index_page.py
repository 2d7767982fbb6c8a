"""The list of good models under the home page (`/mo-hinh-tot/`), so that a fresh site has it, as the
directory and the calendar (0002). Nothing is done where the home page is missing or the slug is taken."""

from django.db import migrations

TITLE = "Mô hình tốt"
SLUG = "mo-hinh-tot"
STEPLEN = 4
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # treebeard's, for Wagtail's page paths


def next_path(last: str | None, parent_path: str) -> str:
    number = int(last[-STEPLEN:], 36) + 1 if last else 1
    digits = ""
    while number:
        number, digit = divmod(number, 36)
        digits = ALPHABET[digit] + digits
    return parent_path + digits.rjust(STEPLEN, "0")


def create_index(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("portal", "HomePage")
    StoryIndexPage = apps.get_model("portal", "StoryIndexPage")

    home = HomePage.objects.order_by("path").first()
    if home is None or StoryIndexPage.objects.exists():
        return
    children = Page.objects.filter(path__startswith=home.path, depth=home.depth + 1)
    if children.filter(slug=SLUG).exists():
        return
    last = children.order_by("-path").values_list("path", flat=True).first()
    content_type, _created = ContentType.objects.get_or_create(app_label="portal", model="storyindexpage")
    StoryIndexPage.objects.create(
        title=TITLE,
        draft_title=TITLE,
        slug=SLUG,
        content_type=content_type,
        path=next_path(last, home.path),
        depth=home.depth + 1,
        numchild=0,
        url_path=f"{home.url_path}{SLUG}/",
        live=True,
        locale_id=home.locale_id,
    )
    Page.objects.filter(pk=home.pk).update(numchild=children.count())


def remove_index(apps, schema_editor):
    StoryIndexPage = apps.get_model("portal", "StoryIndexPage")
    Page = apps.get_model("wagtailcore", "Page")
    for index in StoryIndexPage.objects.all():
        parent_path = index.path[:-STEPLEN]
        index.delete()
        parent = Page.objects.filter(path=parent_path).first()
        if parent:
            parent.numchild = Page.objects.filter(
                path__startswith=parent_path, depth=parent.depth + 1
            ).count()
            parent.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0006_story_pages"),
    ]

    operations = [migrations.RunPython(create_index, remove_index)]
