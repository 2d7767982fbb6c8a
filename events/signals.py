from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connections, transaction
from django.db.models.signals import post_delete, post_migrate, post_save, pre_delete, pre_save
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished

from core import deletions
from institutions.models import InstitutionPage

from . import tallies
from .feed_entries import write_entries, write_missing
from .models import Attendance, EventPage, FeedEntry, Session, Topic
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
            tallies.changed([instance.pk])
            write_entries([instance.pk])


def institution_published(sender, instance, **kwargs):
    """An institution's publication may change its closure days (its events' sessions on them show as
    cancelled) and what the feeds show with each of its events (its name, address, position and the
    address of its pages): its live events' sessions and stored VEVENTs are written again."""
    with tallies.counting():
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


# The events' tallies (`events.tallies`) follow every save and deletion of a session or a headcount, in its
# transaction (`Session.save` and `Attendance.save` are atomic; Django deletes inside a transaction). A
# session or a headcount moved to another event has both events counted again.


def session_saving(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None:
        instance.event_before = (
            Session.objects.filter(pk=instance.pk).values_list("event_id", flat=True).first()
        )


def session_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        tallies.changed([instance.event_id, getattr(instance, "event_before", None)])


def session_deleting(sender, instance, origin=None, **kwargs):
    deletions.note(origin, ("session tally", instance.event_id))


def session_deleted(sender, instance, origin=None, **kwargs):
    if deletions.first(origin, ("session tally", instance.event_id)):
        tallies.changed([instance.event_id])


def event_of_session(session_id: int | None) -> int | None:
    return Session.objects.filter(pk=session_id).values_list("event_id", flat=True).first()


def attendance_saving(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None:
        before = Attendance.objects.filter(pk=instance.pk).values_list("session_id", flat=True).first()
        instance.event_before = event_of_session(before) if before != instance.session_id else None


def attendance_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        tallies.changed([instance.session.event_id, getattr(instance, "event_before", None)])


def attendance_deleting(sender, instance, origin=None, **kwargs):
    instance.event_before = event_of_session(instance.session_id)
    deletions.note(origin, ("session tally", instance.event_before))


def attendance_deleted(sender, instance, origin=None, **kwargs):
    if deletions.first(origin, ("session tally", instance.event_before)):
        tallies.changed([instance.event_before])


def connect():
    page_published.connect(event_published, sender=EventPage, dispatch_uid="events_materialise")
    page_unpublished.connect(event_unpublished, sender=EventPage, dispatch_uid="events_unpublish")
    post_save.connect(page_row_saved, sender=Page, dispatch_uid="events_follow_move")
    page_published.connect(institution_published, sender=InstitutionPage, dispatch_uid="events_place_feed")
    post_save.connect(topic_saved, sender=Topic, dispatch_uid="events_topic_feed")
    post_delete.connect(event_deleted, sender=EventPage, dispatch_uid="events_feed_deleted")
    post_save.connect(site_saved, sender=Site, dispatch_uid="events_site_feed")
    pre_save.connect(session_saving, sender=Session, dispatch_uid="events_tally_session_before")
    post_save.connect(session_saved, sender=Session, dispatch_uid="events_tally_session")
    pre_delete.connect(session_deleting, sender=Session, dispatch_uid="events_tally_session_deleting")
    post_delete.connect(session_deleted, sender=Session, dispatch_uid="events_tally_session_deleted")
    pre_save.connect(attendance_saving, sender=Attendance, dispatch_uid="events_tally_attendance_before")
    post_save.connect(attendance_saved, sender=Attendance, dispatch_uid="events_tally_attendance")
    pre_delete.connect(
        attendance_deleting, sender=Attendance, dispatch_uid="events_tally_attendance_deleting"
    )
    post_delete.connect(attendance_deleted, sender=Attendance, dispatch_uid="events_tally_attendance_deleted")
    post_migrate.connect(migrated, sender=apps.get_app_config("events"), dispatch_uid="events_feed_entries")
