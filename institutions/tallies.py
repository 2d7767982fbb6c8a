"""Keeping `VisitTally` right: an institution's tallies of a year are counted again whenever one of its visit
counts of that year changes, in the transaction of the change.

Counted again from the rows, never adjusted by a difference. Single saves and deletions reach `changed`
through the signals (`institutions.signals`); bulk writes (the visit import's bulk_create and bulk_update)
call it themselves. Two transactions counting the same institution take turns (an advisory lock per
institution, taken last, in id order). `manage.py recount_tallies` counts everything again, or checks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Case, Count, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce, ExtractYear

from core import recount as recount_rows
from core.locks import lock_keys, lock_namespace
from core.recount import Recount

from .models import VisitCount, VisitTally
from .record_rules import MAX_VISITS

LOCK_NAMESPACE = 7202  # advisory locks of visit tallies (events' tallies use 7201)
BATCH = 1000

KEY = ["institution_id", "year", "purpose", "channel"]
USABLE = Q(visits__lte=MAX_VISITS)
# A count's month as a bit; the distinct bits of a year's counts add up to its months.
MONTH_BIT = Case(*(When(date__month=month, then=1 << (month - 1)) for month in range(1, 13)))
FIGURES = {
    "counts": Count("pk"),
    "visits": Sum("visits"),
    "usable_counts": Count("pk", filter=USABLE),
    "usable_visits": Coalesce(Sum("visits", filter=USABLE), 0),
    "months": Sum(MONTH_BIT, distinct=True),
}

Key = tuple[int, int]  # (institution id, year)


def tallies_of(counts: QuerySet[VisitCount]) -> list[VisitTally]:
    """The tallies of these visit counts, by institution, year, purpose and channel (one grouped query)."""
    rows = (
        counts.order_by()
        .annotate(tally_year=ExtractYear("date"))
        .values("institution_id", "tally_year", "purpose", "channel")
        .annotate(**{f"tally_{name}": figure for name, figure in FIGURES.items()})
    )
    return [
        VisitTally(
            institution_id=row["institution_id"],
            year=row["tally_year"],
            purpose=row["purpose"],
            channel=row["channel"],
            **{name: row[f"tally_{name}"] for name in FIGURES},
        )
        for row in rows
    ]


def key_of(count: VisitCount) -> Key:
    day = VisitCount._meta.get_field("date").to_python(count.date)  # a day given as text is read as saved
    return (count.institution_id, day.year)


def count_again(keys: Iterable[Key]) -> None:
    """Count the tallies of these (institution, year) pairs again from their visit counts; inside a
    transaction."""
    keys = {(institution_id, year) for institution_id, year in keys if institution_id is not None}
    if not keys:
        return
    lock_keys(LOCK_NAMESPACE, {institution_id for institution_id, _year in keys})
    by_year: dict[int, list[int]] = defaultdict(list)
    for institution_id, year in sorted(keys):
        by_year[year].append(institution_id)
    for year, institution_ids in by_year.items():
        for start in range(0, len(institution_ids), BATCH):
            part = institution_ids[start : start + BATCH]
            rows = tallies_of(VisitCount.objects.filter(institution_id__in=part, date__year=year))
            store(rows, VisitTally.objects.filter(year=year, institution_id__in=part))


def store(rows: list[VisitTally], stored: QuerySet[VisitTally]) -> None:
    """Make the `stored` tallies these rows: written over where they exist, added, and the others removed."""
    recount_rows.store(VisitTally, KEY, FIGURES, rows, stored, BATCH)


# `changed(keys)`: visit counts of these (institution, year) pairs changed; their tallies are counted again
# now (in the transaction of the change), or once at the end of the enclosing `counting()` block.
recount = Recount("institutions_tallies", count_again)
changed = recount.changed
counting = recount.later


def expected() -> list[VisitTally]:
    """Every tally as the visit counts say it should be."""
    return tallies_of(VisitCount.objects.all())


@transaction.atomic
def rebuild() -> int:
    """Count every institution's tallies again (after a bulk load, or to repair); the number of rows."""
    lock_namespace(LOCK_NAMESPACE)
    return recount_rows.replace_all(VisitTally, expected(), BATCH)


def differences() -> list[str]:
    """The stored tallies that differ from a count of the rows (none, unless a write went around
    `changed`): one line each."""
    return recount_rows.differences(
        VisitTally.objects.all(),
        expected(),
        KEY,
        FIGURES,
        lambda key: f"institution {key[0]}, {key[1]}, {key[2]}/{key[3]}",
    )
