"""Background work of the institutions app, run by the worker (`manage.py db_worker --backend background`).

The project's tasks go to the "background" backend (settings.TASKS). A large import is checked and written
here, not in the request, so no server timeout can cut it off (README, "Importing data"). Each task reads
its `ImportRun`, runs the importer as the person who uploaded the file (so their scope applies), and
stores the report for the person to read.
"""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task

from .importing import ImportReport, RowError, importers
from .models import ImportRun

logger = logging.getLogger(__name__)


def run_import(run_id: int, *, dry_run: bool, done: str, refused: str) -> None:
    """Run the importer on the run's file as its uploader, keep the report and the outcome; the file
    stays only while it waits for the person's confirmation."""
    run = ImportRun.objects.select_related("user").get(pk=run_id)
    importer = importers()[run.kind](user=run.user, **run.options)
    with override("vi"):
        try:
            report = importer.run(bytes(run.data), dry_run=dry_run)
        except Exception:
            logger.exception("Import %s (%s) failed", run.pk, run.kind)
            report = ImportReport(dry_run=dry_run)
            message = _("The import stopped with an unexpected error; nothing was imported.")
            report.errors.append(RowError(1, message))
    run.report = report.as_data()
    run.status = done if report.ok else refused
    if not (report.ok and dry_run):
        run.data = b""
    run.save(update_fields=["report", "status", "data", "updated_at"])


@task(backend="background")
def check_import(run_id: int) -> None:
    """Check every row of the file, as the preview does; keep the file only if it can be imported."""
    run_import(run_id, dry_run=True, done=ImportRun.Status.CHECKED, refused=ImportRun.Status.REFUSED)


@task(backend="background")
def apply_import(run_id: int) -> None:
    """Write the file, all or nothing, and forget it: only the report stays."""
    run_import(run_id, dry_run=False, done=ImportRun.Status.DONE, refused=ImportRun.Status.FAILED)
