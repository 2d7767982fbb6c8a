from wagtail.signals import page_published, page_unpublished

from .models import EventPage
from .schedule import materialise_sessions, remove_sessions


def event_published(sender, instance, **kwargs):
    materialise_sessions(instance)


def event_unpublished(sender, instance, **kwargs):
    remove_sessions(instance)


def connect():
    page_published.connect(event_published, sender=EventPage, dispatch_uid="events_materialise")
    page_unpublished.connect(event_unpublished, sender=EventPage, dispatch_uid="events_unpublish")
