from django.core.management.base import BaseCommand

from events.models import EventPage
from events.schedule import materialise_sessions


class Command(BaseCommand):
    help = (
        "Store the sessions of recurring events up to the horizon (EVENTS_SESSION_HORIZON_DAYS). Run daily."
    )

    def handle(self, *args, **options):
        created = updated = removed = 0
        for event in EventPage.objects.live().exclude(rrule="").iterator():
            c, u, r = materialise_sessions(event)
            created, updated, removed = created + c, updated + u, removed + r
        self.stdout.write(f"Sessions: {created} created, {updated} updated, {removed} removed.")
