from django.core.management.base import BaseCommand

from portal.demo import (
    load_demo_events,
    load_demo_institutions,
    load_demo_records,
    load_demo_registrations,
    load_demo_stories,
)


class Command(BaseCommand):
    help = "Add demo institutions, events, attendance, visits, service records and a good model (idempotent)."

    def handle(self, *args, **options):
        created, existing = load_demo_institutions()
        self.stdout.write(f"Demo institutions: {created} created, {existing} already there.")
        created, existing = load_demo_events()
        self.stdout.write(f"Demo events: {created} created, {existing} already there.")
        created, existing = load_demo_registrations()
        self.stdout.write(f"Demo events taking registration: {created} created, {existing} already there.")
        attendance, visits, records = load_demo_records()
        self.stdout.write(
            f"Demo records: {attendance} attendance, {visits} visit counts, {records} service records added."
        )
        created, existing = load_demo_stories()
        self.stdout.write(f"Demo good models and commendations: {created} created, {existing} already there.")
