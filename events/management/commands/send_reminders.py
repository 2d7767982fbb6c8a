from django.core.management.base import BaseCommand

from events.reminders import queue_reminders


class Command(BaseCommand):
    help = (
        "Queue the reminders due now: from 18:00 (Asia/Ho_Chi_Minh), one to each registrant with an email "
        "for each of their sessions of the next day, once. Run it every few minutes."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Reminders queued: {queue_reminders()}.")
