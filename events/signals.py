from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connections, transaction
from django.db.models.signals import post_delete, post_migrate, post_save
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished

from institutions.models import InstitutionPage

from .feed_entries import write_entries, write_missing
from .models import EventPage, FeedEntry, Session, Topic
from .schedule import materialise_sessions, remove_sessions


def event_published(sender, instance, **kwargs):
    materialise_sessions(instance)


def event_unpublished(sender, instance, **kwargs):
    remove_sessions(instance)


def page_row_saved(sender, instance, raw=False, **kwargs):
    """An event moved to another institution takes its sessions along, in the move's transaction.

    Wagtail moves a page by rewriting its tree path and then saving the plain page row (sender `Page`)
    inside the move's transaction; the sessions store their institution for the listing's filters, the
    feeds, the entry screens and the statistics, so they follow here rather than at the next publication,
    and so do the event's stored VEVENTs (its place and its address).
    """
    if raw or instance.content_type_id != ContentType.objects.get_for_model(EventPage).pk:
        return
    parent = instance.get_parent()
    if parent is not None:
        moved = Session.objects.filter(event_id=instance.pk).exclude(institution_id=parent.pk)
        if moved.update(institution_id=parent.pk):
            write_entries([instance.pk])


def institution_published(sender, instance, **kwargs):
    """An institution's publication may change its closure days (its events' sessions on them show as
    cancelled) and what the feeds show with each of its events (its name, address, position and the
    address of its pages): its live events' sessions and stored VEVENTs are written again."""
    with transaction.atomic():
        for event in EventPage.objects.live().child_of(instance):
            materialise_sessions(event)


def topic_saved(sender, instance, raw=False, created=False, **kwargs):
    """A topic's new name, in the CATEGORIES of its events' stored VEVENTs."""
    if raw or created:
        return
    events = EventPage.topics.through.objects.filter(topic_id=instance.pk).values_list(
        "eventpage_id", flat=True
    )
    with transaction.atomic():
        write_entries(
            FeedEntry.objects.filter(event_id__in=events).values_list("event_id", flat=True).distinct()
        )


def event_deleted(sender, instance, **kwargs):
    FeedEntry.objects.filter(event_id=instance.pk).delete()


def site_saved(sender, instance, raw=False, **kwargs):
    """The stored links carry the site's address: a new one has them all written again (in the background)."""
    if raw:
        return
    from .tasks import rewrite_feed_entries

    transaction.on_commit(lambda: rewrite_feed_entries.enqueue())


def migrated(sender, using="default", plan=None, **kwargs):
    """After `migrate`: stored VEVENTs for every event in the schedule that has none by this writer
    (events published before the feeds stored them, or written by an older writer)."""
    if FeedEntry._meta.db_table in connections[using].introspection.table_names():
        write_missing()


def connect():
    page_published.connect(event_published, sender=EventPage, dispatch_uid="events_materialise")
    page_unpublished.connect(event_unpublished, sender=EventPage, dispatch_uid="events_unpublish")
    post_save.connect(page_row_saved, sender=Page, dispatch_uid="events_follow_move")
    page_published.connect(institution_published, sender=InstitutionPage, dispatch_uid="events_place_feed")
    post_save.connect(topic_saved, sender=Topic, dispatch_uid="events_topic_feed")
    post_delete.connect(event_deleted, sender=EventPage, dispatch_uid="events_feed_deleted")
    post_save.connect(site_saved, sender=Site, dispatch_uid="events_site_feed")
    post_migrate.connect(migrated, sender=apps.get_app_config("events"), dispatch_uid="events_feed_entries")
