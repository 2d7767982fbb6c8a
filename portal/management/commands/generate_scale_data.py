"""python manage.py generate_scale_data [--institutions 2000] [--events 20000] [--years 5]"""

import time

from django.core.management.base import BaseCommand, CommandError

from institutions.models import InstitutionPage
from portal.scale import generate


class Command(BaseCommand):
    help = (
        "Fill an empty, migrated database with a province-scale dataset for the benchmark: institutions in "
        "every group and unit, weekly and one-off events with their sessions, attendance and visit counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--institutions", type=int, default=2000)
        parser.add_argument("--events", type=int, default=20000)
        parser.add_argument("--years", type=int, default=5, help="years of records, this one included")
        parser.add_argument("--seed", type=int, default=1520)

    def handle(self, *args, **options):
        if InstitutionPage.objects.exists():
            raise CommandError("The database already has institutions; use an empty, migrated database.")
        for name in ("institutions", "events", "years"):
            if options[name] < 1:
                raise CommandError(f"--{name} must be at least 1.")
        started = time.perf_counter()
        counts = generate(
            options["institutions"],
            options["events"],
            options["years"],
            seed=options["seed"],
            log=lambda line: self.stdout.write(f"  {line}"),
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {counts.institutions} institutions, {counts.events} events, {counts.sessions} "
                f"sessions, {counts.attendance} attendance and {counts.visits} visit rows "
                f"in {time.perf_counter() - started:.0f} s."
            )
        )
