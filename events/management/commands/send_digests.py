import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from events.digests import CHUNK, digest_due_now, take_due
from events.tasks import send_digest


def queue_digests(day: dt.date) -> tuple[int, int]:
    """Queue the digests due for the week of `day`, one task per set of filters and language (in chunks
    of `CHUNK` subscribers): (subscriptions, tasks)."""
    tasks = 0
    # Marked and queued in one transaction (the queue is in the same database): a crash between the two
    # cannot lose the week.
    with transaction.atomic():
        groups = take_due(day)
        for (filters, language), ids in groups.items():
            for start in range(0, len(ids), CHUNK):
                send_digest.enqueue(filters, language, day.isoformat(), ids[start : start + CHUNK])
                tasks += 1
    return sum(len(ids) for ids in groups.values()), tasks


class Command(BaseCommand):
    help = (
        "Queue the weekly digests (SPEC §11): each confirmed subscription gets the seven days' sessions "
        "from the date that match its filters, once a week. Without --date, only on Monday from 06:00 "
        "(Asia/Ho_Chi_Minh), as the periodic jobs run it. Running it twice sends nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The digest's first day, YYYY-MM-DD (default: today, on Mondays).")

    def handle(self, *args, date=None, **options):
        if date:
            try:
                day = dt.date.fromisoformat(date)
            except ValueError:
                raise CommandError(f"--date: {date!r} is not a date written YYYY-MM-DD.") from None
        else:
            day = digest_due_now()
            if day is None:
                self.stdout.write("No digest is due now: they go out on Monday from 06:00.")
                return
        subscriptions, tasks = queue_digests(day)
        self.stdout.write(
            f"Digests from {day:%d/%m/%Y}: {subscriptions} subscriptions in {tasks} tasks queued "
            "(the worker sends them; nothing is sent to a subscription whose filters match nothing)."
        )
