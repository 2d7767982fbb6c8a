"""Keeping `SessionTally` right: each event's yearly tallies are counted again whenever its sessions or their
attendance change, in the transaction of the change.

Counted again from the rows, never adjusted by a difference: however a change arrives, the tallies after it
are what the rows say. Single saves and deletions reach `changed` through the signals (`events.signals`);
bulk writes (bulk_create, bulk_update, QuerySet.update) call it themselves. Inside `counting()` each event
changed is counted once, at the end of the block.

Two transactions counting the same event take turns (an advisory lock per event, taken last, in id order):
the second counts after the first has committed and sees its rows, so neither overwrites the other's
figures with older ones. `manage.py recount_tallies` counts everything again, or checks that nothing differs.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, ExtractYear
from django.utils import timezone

from core import recount as recount_rows
from core.locks import lock_keys, lock_namespace
from core.recount import Recount
from institutions.record_rules import MAX_ATTENDEES

from .choices import SessionStatus
from .models import Session, SessionTally

LOCK_NAMESPACE = 7201  # advisory locks of events' tallies (another namespace never uses it)
BATCH = 1000

KEY = ["event_id", "institution_id", "year"]
NOT_CANCELLED = ~Q(status=SessionStatus.CANCELLED)
HEADCOUNT = NOT_CANCELLED & Q(attendance__attendees__lte=MAX_ATTENDEES)
CHECKED_ONLY = NOT_CANCELLED & Q(attendance__isnull=True, checked_in__gt=0)
RECORDED = Q(attendance__isnull=False) | Q(checked_in__gt=0)

# Each field of SessionTally, as an aggregate over the sessions it counts (named apart from Session's own
# fields and relations, which an annotation may not shadow).
FIGURES = {
    "sessions": Count("pk", filter=NOT_CANCELLED),
    "headcounts": Count("pk", filter=HEADCOUNT),
    "attendance": Coalesce(Sum("attendance__attendees", filter=HEADCOUNT), 0),
    "checked_sessions": Count("pk", filter=CHECKED_ONLY),
    "checked_in": Coalesce(Sum("checked_in", filter=CHECKED_ONLY), 0),
    "people": Coalesce(Sum(Coalesce("attendance__attendees", "checked_in"), filter=NOT_CANCELLED), 0),
    "counted": Count("pk", filter=NOT_CANCELLED & RECORDED),
    "recorded": Count("pk", filter=RECORDED),
}


def tallies_of(sessions: QuerySet[Session]) -> list[SessionTally]:
    """The tallies of these sessions, by event, institution and local year (one grouped query)."""
    rows = (
        sessions.order_by()
        .annotate(tally_year=ExtractYear("start", tzinfo=timezone.get_default_timezone()))
        .values("event_id", "institution_id", "tally_year")
        .annotate(**{f"tally_{name}": figure for name, figure in FIGURES.items()})
    )
    return [
        SessionTally(
            event_id=row["event_id"],
            institution_id=row["institution_id"],
            year=row["tally_year"],
            **{name: row[f"tally_{name}"] for name in FIGURES},
        )
        for row in rows
    ]


def count_again(event_ids: Iterable[int]) -> None:
    """Count these events' tallies again from their sessions; inside a transaction."""
    ids = sorted(set(event_ids))
    if not ids:
        return
    lock_keys(LOCK_NAMESPACE, ids)
    for start in range(0, len(ids), BATCH):
        part = ids[start : start + BATCH]
        store(
            tallies_of(Session.objects.filter(event_id__in=part)),
            SessionTally.objects.filter(event_id__in=part),
        )


def store(rows: list[SessionTally], stored: QuerySet[SessionTally]) -> None:
    """Make the `stored` tallies these rows: written over where they exist, added, and the others removed."""
    recount_rows.store(SessionTally, KEY, FIGURES, rows, stored, BATCH)


# `changed(event_ids)`: the sessions or the attendance of these events changed; their tallies are counted
# again now (in the transaction of the change), or at the end of the enclosing `counting()` block, a
# transaction in which each event is counted once: for the paths that write many records.
recount = Recount("events_tallies", count_again)
changed = recount.changed
counting = recount.later


def expected() -> list[SessionTally]:
    """Every tally as the sessions and attendance say it should be."""
    return tallies_of(Session.objects.all())


@transaction.atomic
def rebuild() -> int:
    """Count every event's tallies again (after a bulk load, or to repair); the number of rows."""
    lock_namespace(LOCK_NAMESPACE)
    return recount_rows.replace_all(SessionTally, expected(), BATCH)


def differences() -> list[str]:
    """The stored tallies that differ from a count of the rows (none, unless a write went around
    `changed`): one line each."""
    return recount_rows.differences(
        SessionTally.objects.all(),
        expected(),
        KEY,
        FIGURES,
        lambda key: f"event {key[0]}, institution {key[1]}, {key[2]}",
    )
