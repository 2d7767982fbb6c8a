import os

from django.core.management.base import BaseCommand, CommandError

from portal.backups import BackupError
from portal.database_move import move_data


class Command(BaseCommand):
    help = (
        "Copy the configured database's content (e.g. SQLite) into another database (e.g. PostgreSQL): "
        "migrate it, copy the rows with dumpdata/loaddata, reset its sequences, rebuild its search index "
        "and compare row counts. The configured database is only read. Stop the site first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "target_url",
            nargs="?",
            help="e.g. postgres://portal:PASSWORD@127.0.0.1:5432/portal; or leave it out and set "
            "TARGET_DATABASE_URL, which keeps the password out of the shell history and `ps`",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="the target already has tables: replace its content (otherwise refused)",
        )

    def handle(self, *args, target_url, replace, **options):
        target_url = target_url or os.environ.get("TARGET_DATABASE_URL")
        if not target_url:
            raise CommandError("Give the target database's URL, or set TARGET_DATABASE_URL.")
        try:
            result = move_data(target_url, replace=replace, log=self.stdout.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if result.differences:
            lines = [
                f"  {label}: {source} here, {target} there"
                for label, (source, target) in result.differences.items()
            ]
            raise CommandError("The row counts differ after the move:\n" + "\n".join(lines))
        self.stdout.write(
            f"Moved {result.rows} rows of {result.models} models; the counts match. Point DATABASE_URL at "
            "the new database and start the site; the media files stay in MEDIA_ROOT."
        )
