"""The import machinery shared by every kind of import (SPEC §7).

An importer reads a whole file, checks every row, and writes only when no row has an error, in one
transaction: all or nothing. The command line (`import_data KIND FILE`) and the admin screen
(upload, preview, confirm) both call `Importer.run`, so they behave the same.

Importers live in an `importers` module of each app and register themselves with `@register`;
`importers()` discovers them, so a later app adds a kind without touching this module.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from wagtail.models import ModelLogEntry

from .models import InstitutionIndexPage

_registry: dict[str, type[Importer]] = {}


def register(importer_class: type[Importer]) -> type[Importer]:
    _registry[importer_class.kind] = importer_class
    return importer_class


def importers() -> dict[str, type[Importer]]:
    """Every registered importer by kind, in the order SPEC §7 lists them."""
    autodiscover_modules("importers")
    return dict(sorted(_registry.items(), key=lambda item: item[1].order))


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.message}


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong encoding, missing columns, not a calendar)."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Rows that import, with something the user should know (e.g. a draft that gets superseded).
    warnings: list[RowError] = field(default_factory=list)
    dry_run: bool = False
    # What each row would do, for the admin preview: (line, action, label).
    actions: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_data(self) -> dict:
        """The report as JSON, for an import that runs in the background (`ImportRun.report`)."""
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [[error.line, str(error.message)] for error in self.errors],
            "warnings": [[warning.line, str(warning.message)] for warning in self.warnings],
            "dry_run": self.dry_run,
            "actions": [[line, action, str(label)] for line, action, label in self.actions],
        }

    @classmethod
    def from_data(cls, data: dict) -> ImportReport:
        return cls(
            created=data.get("created", 0),
            updated=data.get("updated", 0),
            unchanged=data.get("unchanged", 0),
            errors=[RowError(line, message) for line, message in data.get("errors", [])],
            warnings=[RowError(line, message) for line, message in data.get("warnings", [])],
            dry_run=data.get("dry_run", False),
            actions=[tuple(action) for action in data.get("actions", [])],
        )

    def summary(self) -> str:
        return _("%(created)d created, %(updated)d updated, %(unchanged)d unchanged") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


@dataclass
class Change:
    """One row's planned change: `apply` writes it. Planned changes never touch the database."""

    line: int
    action: str  # "create", "update" or "unchanged"
    label: str
    target: Any = None
    values: dict = field(default_factory=dict)
    warning: str = ""


class Importer:
    """Base class: subclasses read rows into `Change`s (`plan`) and write them (`apply_change`)."""

    kind: ClassVar[str]
    label: ClassVar[str]
    order: ClassVar[int] = 100
    file_extensions: ClassVar[tuple[str, ...]] = (".csv",)

    def __init__(self, user=None, **options):
        self.user = user
        self.options = options

    def allowed_institution_ids(self) -> set[int] | None:
        """The institutions this import may touch: None for the command line (the operator), else the
        user's (see `institutions.roles`)."""
        if self.user is None:
            return None
        from .roles import institutions_for

        return set(institutions_for(self.user).values_list("pk", flat=True))

    def outside_scope(self, line: int, institution) -> RowError:
        return RowError(
            line,
            _("institution_code: you may not record data for %(code)s.") % {"code": institution.code},
        )

    @classmethod
    def add_arguments(cls, parser) -> None:
        """Extra command-line options of this kind (e.g. `--institution`)."""

    @classmethod
    def option_fields(cls) -> dict[str, forms.Field]:
        """The same options as form fields for the admin screen."""
        return {}

    @classmethod
    def option_names(cls) -> set[str]:
        return set(cls.option_fields())

    def plan(self, data: bytes) -> tuple[list[Change], list[RowError]]:
        raise NotImplementedError

    def apply_change(self, change: Change) -> None:
        raise NotImplementedError

    def apply_changes(self, changes: list[Change]) -> None:
        """Write the planned changes; an importer of many small records writes them in bulk."""
        for change in changes:
            self.apply_change(change)

    def lock(self) -> None:
        """Lock what concurrent imports would both change (called in the transaction). Imports are rare
        and short: every kind takes the directory page's row, so imports run one after the other."""
        list(InstitutionIndexPage.objects.select_for_update().values_list("pk", flat=True))

    def run(self, data: bytes, *, dry_run: bool = False) -> ImportReport:
        """Check every row; unless it is a dry run and if no row has an error, write them all.

        Planning and writing happen in one transaction, after `lock`, so two imports at once
        cannot both decide to create the same record. A record a colleague creates on an entry screen
        between the plan and the write makes the import stop with a message, having written nothing.
        """
        try:
            with transaction.atomic():
                if not dry_run:
                    self.lock()
                report, changes = self.check(data, dry_run)
                if report.ok and not dry_run:
                    self.apply_changes([change for change in changes if change.action != "unchanged"])
        except IntegrityError:
            report = ImportReport(dry_run=dry_run)
            report.errors.append(
                RowError(
                    1,
                    _(
                        "Someone saved some of the same records while this file was being imported; nothing "
                        "was imported. Import the file again: it will take their records into account."
                    ),
                )
            )
        return report

    def check(self, data: bytes, dry_run: bool) -> tuple[ImportReport, list[Change]]:
        """The report of what the file would do, and the planned changes."""
        report = ImportReport(dry_run=dry_run)
        try:
            changes, errors = self.plan(data)
        except ImportFileError as error:
            report.errors.append(RowError(error.line, str(error)))
            return report, []
        report.errors.extend(sorted(errors, key=lambda e: e.line))
        for change in changes:
            report.actions.append((change.line, change.action, change.label))
            if change.warning:
                report.warnings.append(RowError(change.line, change.warning))
            if change.action == "create":
                report.created += 1
            elif change.action == "update":
                report.updated += 1
            else:
                report.unchanged += 1
        return report, changes


def csv_error_message(error: csv.Error) -> str:
    """Python's CSV reader speaks English; the two errors a person can meet, said in their language."""
    if "field larger than field limit" in str(error):
        return _(
            "A cell is longer than %(limit)s characters: no column of an import needs that much. "
            "Check the file's quotes (a quote left open runs on to the end of the file)."
        ) % {"limit": f"{csv.field_size_limit():,}".replace(",", ".")}
    return _("The file is not valid CSV: %(error)s") % {"error": error}


def log_each(records: list, action: str, user) -> None:
    """One audit log entry per record, as `wagtail.log_actions.log` writes it, in a few inserts: an
    import of a year of daily door counts writes tens of thousands of records."""
    if not records:
        return
    content_type = ContentType.objects.get_for_model(records[0], for_concrete_model=False)
    now = timezone.now()
    ModelLogEntry.objects.bulk_create(
        [
            ModelLogEntry(
                content_type=content_type,
                label=str(record),
                action=action,
                timestamp=now,
                data={},
                user=user,
                object_id=str(record.pk),
            )
            for record in records
        ],
        batch_size=1000,
    )


@dataclass
class CsvRow:
    line: int
    values: dict[str, str]


class CsvImporter(Importer):
    """An importer of a UTF-8 CSV file (with or without BOM) with a header row."""

    required_columns: ClassVar[tuple[str, ...]] = ()
    optional_columns: ClassVar[tuple[str, ...]] = ()

    def read_rows(self, data: bytes) -> tuple[list[CsvRow], list[RowError]]:
        """The file's non-blank rows by line number (header = line 1), and rows of the wrong width."""
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFileError(
                _("The file is not UTF-8 text (byte %(position)d). Save it as “CSV UTF-8”.")
                % {"position": error.start + 1}
            ) from error
        reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = [name.strip() for name in next(reader)]
        except StopIteration:
            raise ImportFileError(_("The file is empty.")) from None
        except csv.Error as error:
            raise ImportFileError(csv_error_message(error)) from error
        missing = [name for name in self.required_columns if name not in header]
        if missing:
            raise ImportFileError(
                _("Missing columns: %(columns)s. Expected: %(expected)s.")
                % {
                    "columns": ", ".join(missing),
                    "expected": ",".join(self.required_columns + self.optional_columns),
                }
            )
        known = set(self.required_columns) | set(self.optional_columns)
        unknown = [name for name in header if name not in known]
        if unknown:
            raise ImportFileError(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(unknown)})
        duplicated = {name for name in header if header.count(name) > 1}
        if duplicated:
            raise ImportFileError(
                _("Columns given twice: %(columns)s.") % {"columns": ", ".join(sorted(duplicated))}
            )

        rows, errors = [], []
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return rows, errors
            except csv.Error as error:
                raise ImportFileError(csv_error_message(error), line=line) from error
            if not any(cell.strip() for cell in cells):
                pass  # blank lines are allowed anywhere
            elif len(cells) != len(header):
                errors.append(
                    RowError(
                        line,
                        _("%(found)d cells where the header has %(expected)d.")
                        % {"found": len(cells), "expected": len(header)},
                    )
                )
            else:
                rows.append(
                    CsvRow(line, {name: cell.strip() for name, cell in zip(header, cells, strict=True)})
                )
            line = reader.line_num + 1


def form_errors(line: int, form: forms.Form) -> list[RowError]:
    """A row form's errors as row errors: `line N: column: message`."""
    errors = []
    for name, messages in form.errors.items():
        for message in messages:
            text = message if name == "__all__" else f"{name}: {message}"
            errors.append(RowError(line, text))
    return errors
