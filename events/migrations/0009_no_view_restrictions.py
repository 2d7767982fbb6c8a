"""Pages of the portal are public: a view restriction set before they were refused is replaced by
unpublishing, so that what someone meant to hide is hidden everywhere (page, listing, API, feeds) and
nothing becomes visible that was not. Sessions of the events concerned leave the public schedule; they
are kept, with their attendance, and come back when the event is published again."""

from django.db import migrations


def unpublish_restricted_pages(apps, schema_editor):
    PageViewRestriction = apps.get_model("wagtailcore", "PageViewRestriction")
    Page = apps.get_model("wagtailcore", "Page")
    Session = apps.get_model("events", "Session")
    for restriction in PageViewRestriction.objects.select_related("page"):
        path = restriction.page.path
        Page.objects.filter(path__startswith=path, live=True).update(live=False, has_unpublished_changes=True)
        Session.objects.filter(event__path__startswith=path).update(in_schedule=False)
        restriction.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0008_listing_filter_indexes"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(unpublish_restricted_pages, migrations.RunPython.noop)]
