"""Acting once per deletion rather than once per row: Django sends pre_delete for every row a deletion
will remove (cascades included) before removing any, then post_delete for each after removing them all."""

from __future__ import annotations

from collections.abc import Hashable

ATTRIBUTE = "_keys_being_deleted"


def note(origin, key: Hashable) -> None:
    """From a pre_delete handler: a row of `key` (its event, its institution's year) is being deleted by
    the deletion `origin` (the instance or the query `delete()` was called on)."""
    if origin is not None:
        origin.__dict__.setdefault(ATTRIBUTE, set()).add(key)


def first(origin, key: Hashable) -> bool:
    """From a post_delete handler: whether this is the first row of `key` the deletion reports removed
    (all its rows are gone by then); always True when the deletion's origin is unknown."""
    keys = origin.__dict__.get(ATTRIBUTE) if origin is not None else None
    if keys is None:
        return True
    if key in keys:
        keys.discard(key)
        return True
    return False
