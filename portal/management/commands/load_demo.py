from django.core.management.base import BaseCommand

from portal.demo import load_demo_events, load_demo_institutions


class Command(BaseCommand):
    help = "Add demo institutions and events (idempotent: what already exists is left as it is)."

    def handle(self, *args, **options):
        created, existing = load_demo_institutions()
        self.stdout.write(f"Demo institutions: {created} created, {existing} already there.")
        created, existing = load_demo_events()
        self.stdout.write(f"Demo events: {created} created, {existing} already there.")
