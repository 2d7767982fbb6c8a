from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from portal.backups import BackupError, check_restorable, describe_database, restore_backup


class Command(BaseCommand):
    help = (
        "Replace the configured database and the media files with a backup made by `manage.py backup`. "
        "Stop the site first. Checks the whole backup before changing anything; needs --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup_folder", type=Path, help="a folder made by `manage.py backup`")
        parser.add_argument(
            "--yes", action="store_true", help="confirm that the database and media files are replaced"
        )

    def handle(self, *args, backup_folder, yes, **options):
        try:
            manifest = check_restorable(backup_folder)
            if not yes:
                raise CommandError(
                    f"This replaces everything in {describe_database(connection.settings_dict)} and in "
                    f"{settings.MEDIA_ROOT} with the backup of {manifest.created_at}. Nothing was changed; "
                    "stop the site and run again with --yes to restore."
                )
            result = restore_backup(backup_folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the backup of {manifest.created_at} ({manifest.engine}) and "
            f"{result.media_files} media files. Start the site again."
        )
        if result.unapplied:
            self.stdout.write(
                f"The backup predates {len(result.unapplied)} migrations of this code: "
                "run `manage.py migrate` before starting the site."
            )
