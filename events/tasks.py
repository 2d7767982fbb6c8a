"""Background work of the events app, run by the worker (`manage.py db_worker --backend background`)."""

from __future__ import annotations

from django_tasks import task

from .feed_entries import write_entries
from .models import FeedEntry


@task(backend="background")
def rewrite_feed_entries() -> int:
    """Write every event's stored VEVENTs again (the site's address changed: they carry its links)."""
    events = FeedEntry.objects.filter(window_first__isnull=True).values_list("event_id", flat=True).distinct()
    return write_entries(list(events))
