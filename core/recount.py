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
