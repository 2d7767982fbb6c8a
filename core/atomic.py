"""Saving a row and what depends on it in one transaction."""

from __future__ import annotations

from django.db import router, transaction


class AtomicSave:
    """A model mixin: `save()` runs in a transaction, so that what the pre_save and post_save handlers write
    (tallies kept with the row) is committed with the row or not at all, also outside `atomic()`.
    Deletions need nothing of the kind: Django deletes, and sends their signals, inside a transaction."""

    def save(self, *args, **kwargs):
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using, savepoint=False):  # the caller's transaction, or its own
            super().save(*args, **kwargs)
