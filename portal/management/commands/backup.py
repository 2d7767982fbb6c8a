from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from portal.backups import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite's online backup API, or pg_dump -Fc) and the media files into a new "
        "timestamped folder inside OUTPUT_DIR, with a manifest.json. Prints the folder's path."
    )

    def add_arguments(self, parser):
        parser.add_argument("output_dir", type=Path, help="an existing folder, e.g. /var/backups/portal")

    def handle(self, *args, output_dir, **options):
        try:
            folder, manifest = create_backup(output_dir)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 1:
            for entry in manifest.files:
                self.stderr.write(f"{entry['name']}: {entry['size']} bytes, sha256 {entry['sha256']}")
        self.stdout.write(str(folder))
