"""Changing a live event from one of our screens, as its editor would in the page editor."""

from __future__ import annotations

from collections.abc import Callable

from .models import EventPage


def revise(event: EventPage, user, change: Callable[[EventPage], None]) -> bool:
    """Apply `change` to the event's latest revision (the event itself when no draft waits) and save it
    as a new revision, published when the person may publish and nothing else waits in a draft (whose
    unreviewed changes would go live with it). Returns whether it was published."""
    publish = event.permissions_for_user(user).can_publish() and not event.has_unpublished_changes
    draft = event.get_latest_revision_as_object()
    change(draft)
    revision = draft.save_revision(user=user, log_action=True)
    if publish:
        revision.publish(user=user)
    return publish
