from django.core.management.base import BaseCommand

from events.feed_entries import write_windows
from events.models import EventPage
from events.schedule import materialise_sessions


class Command(BaseCommand):
    help = (
        "Store the sessions of recurring events up to the horizon (EVENTS_SESSION_HORIZON_DAYS), and the "
        "feeds' VEVENTs cut to tomorrow's default window. Run daily, after midnight."
    )

    def handle(self, *args, **options):
        created = updated = removed = 0
        for event in EventPage.objects.live().exclude(rrule="").iterator():
            c, u, r = materialise_sessions(event, rewrite_feed=False)
            created, updated, removed = created + c, updated + u, removed + r
        self.stdout.write(f"Sessions: {created} created, {updated} updated, {removed} removed.")
        self.stdout.write(f"Feed entries cut to the default window: {write_windows()} written.")
