"""Counting derived rows (tallies) again after the rows they count change, in the same transaction: at once,
or once per key at the end of a block that writes many rows."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction


class Recount:
    """What changed, and the function that counts it again (`count_again(keys)`, called in a transaction).

    `changed(keys)` counts at once, or, inside `later()`, notes the keys for the end of the block. A block
    is one transaction: its writes and their counting are committed together or not at all, and the
    counting, last, takes its locks after the block's others."""

    def __init__(self, name: str, count_again: Callable[[Iterable[Hashable]], None]):
        self.count_again = count_again
        self.pending: ContextVar[set | None] = ContextVar(name, default=None)

    def changed(self, keys: Iterable[Hashable | None]) -> None:
        keys = {key for key in keys if key is not None}
        pending = self.pending.get()
        if pending is not None:
            pending.update(keys)
        elif keys:
            with transaction.atomic(savepoint=False):  # the change's transaction, or one of its own
                self.count_again(keys)

    @contextmanager
    def later(self) -> Iterator[None]:
        if self.pending.get() is not None:  # inside another block: that one counts
            yield
            return
        pending: set = set()
        with transaction.atomic():
            token = self.pending.set(pending)
            try:
                yield
            finally:
                self.pending.reset(token)
            self.count_again(pending)


def store(model, key: list[str], figures: Iterable[str], rows: list, stored, batch_size: int) -> None:
    """Make the `stored` tallies (a queryset of `model`) these rows: written over where they exist (by the
    unique `key` fields), added, and the others removed."""
    kept = {tuple(getattr(row, name) for name in key) for row in rows}
    model.objects.bulk_create(
        rows, batch_size=batch_size, update_conflicts=True, unique_fields=key, update_fields=list(figures)
    )
    gone = [pk for pk, *found in stored.values_list("pk", *key) if tuple(found) not in kept]
    if gone:
        model.objects.filter(pk__in=gone).delete()


def replace_all(model, rows: list, batch_size: int) -> int:
    """Every tally of `model` replaced by these rows (in the caller's transaction); the number of rows."""
    model.objects.all().delete()
    model.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def differences(
    stored: Iterable, counted: Iterable, key: list[str], figures: Iterable[str], name: Callable[[tuple], str]
) -> list[str]:
    """The stored tallies that differ from the counted ones, one line each, named by `name(key)`."""
    figures = list(figures)

    def by_key(tallies):
        return {tuple(getattr(tally, field) for field in key): tally for tally in tallies}

    have_all, want_all = by_key(stored), by_key(counted)
    found = []
    for found_key in sorted(have_all.keys() | want_all.keys()):
        have, want = have_all.get(found_key), want_all.get(found_key)
        if have is None or want is None or any(getattr(have, f) != getattr(want, f) for f in figures):
            found.append(
                f"{name(found_key)}: stored {describe(have, figures)}, counted {describe(want, figures)}"
            )
    return found


def describe(tally, figures: list[str]) -> str:
    if tally is None:
        return "nothing"
    return ", ".join(f"{field} {getattr(tally, field)}" for field in figures)
