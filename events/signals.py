from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from .models import EventPage, Session
from .schedule import materialise_sessions, remove_sessions


def event_published(sender, instance, **kwargs):
    materialise_sessions(instance)


def event_unpublished(sender, instance, **kwargs):
    remove_sessions(instance)


def page_row_saved(sender, instance, raw=False, **kwargs):
    """An event moved to another institution takes its sessions along, in the move's transaction.

    Wagtail moves a page by rewriting its tree path and then saving the plain page row (sender `Page`)
    inside the move's transaction; the sessions store their institution for the listing's filters, the
    feeds, the entry screens and the statistics, so they follow here rather than at the next publication.
    """
    if raw or instance.content_type_id != ContentType.objects.get_for_model(EventPage).pk:
        return
    parent = instance.get_parent()
    if parent is not None:
        Session.objects.filter(event_id=instance.pk).exclude(institution_id=parent.pk).update(
            institution_id=parent.pk
        )


def connect():
    page_published.connect(event_published, sender=EventPage, dispatch_uid="events_materialise")
    page_unpublished.connect(event_unpublished, sender=EventPage, dispatch_uid="events_unpublish")
    post_save.connect(page_row_saved, sender=Page, dispatch_uid="events_follow_move")
