from django.core.management.base import BaseCommand, CommandError

from events import tallies as session_tallies
from institutions import tallies as visit_tallies


class Command(BaseCommand):
    help = (
        "Count the yearly tallies that the indicators and the yearly report add up (sessions and attendance, "
        "door counts) again from the records: after loading records in a way that sends no signals, or to "
        "repair. With --check, only list the tallies that differ from the records."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="change nothing; list the differences and exit with status 1 when there are any",
        )

    def handle(self, *args, check, **options):
        if check:
            found = session_tallies.differences() + visit_tallies.differences()
            for line in found[:100]:
                self.stdout.write(line)
            if found:
                raise CommandError(
                    f"{len(found)} tallies differ from the records: run `manage.py recount_tallies`."
                )
            self.stdout.write("The tallies match the records.")
            return
        sessions, visits = session_tallies.rebuild(), visit_tallies.rebuild()
        self.stdout.write(f"Counted again: {sessions} session tallies, {visits} visit tallies.")
