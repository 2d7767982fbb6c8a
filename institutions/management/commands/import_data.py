"""`python manage.py import_data KIND FILE [options]`: one command, a sub-command per kind of data."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from institutions.importing import importers


class Command(BaseCommand):
    help = "Import institutions, events, attendance, visits or service records from a file."

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="kind", required=True, metavar="KIND")
        for kind, importer_class in importers().items():
            sub = subparsers.add_parser(kind, help=str(importer_class.label))
            sub.add_argument("file", type=Path, help="the file to import")
            sub.add_argument(
                "--dry-run", action="store_true", help="check the file and report, write nothing"
            )
            importer_class.add_arguments(sub)

    def handle(self, *args, kind, file, dry_run, **options):
        importer_class = importers()[kind]
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}
            ) from error
        importer = importer_class(**{k: v for k, v in options.items() if k in importer_class.option_names()})
        report = importer.run(data, dry_run=dry_run)
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(
                _("%(count)d error(s) in %(file)s: nothing was imported.")
                % {"count": len(report.errors), "file": file}
            )
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(str(warning)))
        if dry_run:
            self.stdout.write(_("Dry run, nothing written: %(summary)s.") % {"summary": report.summary()})
        else:
            self.stdout.write(self.style.SUCCESS(_("Imported: %(summary)s.") % {"summary": report.summary()}))
