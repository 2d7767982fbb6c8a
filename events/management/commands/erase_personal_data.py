import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from events.models import MailDelivery, Registration
from events.subscribing import delete_unconfirmed


def expired_registrations(days: int, now: dt.datetime | None = None):
    """Registrations with personal data whose every session ended more than `days` days ago."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    return Registration.objects.filter(erased_at__isnull=True, session__end__lt=cutoff).exclude(
        places__end__gte=cutoff
    )


class Command(BaseCommand):
    help = (
        "Erase the name, phone, email and note of the registrations whose sessions ended more than "
        "REGISTRATION_RETENTION_DAYS days ago (Decree 13/2023/NĐ-CP), keeping their seats and status; "
        "delete the email subscriptions not confirmed within 7 days. Daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None, help="Instead of REGISTRATION_RETENTION_DAYS.")

    def handle(self, *args, days=None, **options):
        days = settings.REGISTRATION_RETENTION_DAYS if days is None else days
        erased = Registration.objects.filter(pk__in=expired_registrations(days).values("pk")).update(
            name="", phone="", email="", note="", erased_at=timezone.now()
        )
        self.stdout.write(f"Registrations erased: {erased} (sessions ended more than {days} days ago).")
        deleted = delete_unconfirmed()
        self.stdout.write(f"Subscriptions not confirmed within 7 days, deleted: {deleted}.")
        # The mail log's keyed hashes of addresses serve the daily limit: the counts stay, the hashes go.
        cutoff = timezone.localdate() - dt.timedelta(days=days)
        MailDelivery.objects.filter(day__lt=cutoff).exclude(address="").update(address="")
