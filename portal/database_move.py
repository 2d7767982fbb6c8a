"""Moving the portal's data into another database, of another kind (SQLite to PostgreSQL): `move_to_database`.

Backups and restores (`portal.backups`) keep to one engine's own format; a move goes through Django's
serialisation. It raises `BackupError`, with a message for the operator, when it cannot do its work.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model
from django.db.utils import load_backend

from .backups import BackupError, applied_migrations, describe_database, unapplied_migrations

# # A move copies every row with its primary key, content types and permissions included, into a target whose
# tables are emptied first: the target is then the source, id for id. Natural keys would not do:
# - `--natural-foreign` makes dumpdata fail on any site where a page or a user that Wagtail's history names
#   has been deleted: the log entries keep their ids in foreign keys without constraint
#   (PageLogEntry.page, BaseLogEntry.user), and there is no natural key to give ("Unable to serialize
#   database: Page matching query does not exist").
# - `--natural-primary` loads pages (whose natural key in Wagtail 8 is the URL path), users, groups and
#   collection permissions without their ids, so after a deleted page the pages come back with other ids,
#   while revisions, the reference index and log entries name them by id.
# - Content types and permissions get other ids in the target from `migrate`; copying the source's keeps the
#   ids that rows store as plain numbers valid too.
# Left out: sessions (everyone logs in again) and the search index, which is rebuilt (its tables differ by
# engine: SQLite's is a full-text virtual table).
SKIPPED_APPS = {"sessions"}


def is_search_index(model: type[Model]) -> bool:
    """Wagtail's search index tables (modelsearch's models, and the SQLite full-text table)."""
    from modelsearch.abstract_models import AbstractIndexEntry

    names = {base.__name__ for base in model.__mro__}
    return (
        model._meta.app_label in {"wagtailsearch", "modelsearch"}
        or issubclass(model, AbstractIndexEntry)
        or "AbstractSQLiteFTSIndexEntry" in names
    )


def moved_models() -> list[type[Model]]:
    """The models whose rows a move copies: all but sessions and the search index."""
    return [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.app_label not in SKIPPED_APPS
        and not is_search_index(model)
    ]


def excluded_labels() -> list[str]:
    """`dumpdata --exclude` values: every installed model that `moved_models` leaves out."""
    moved = set(moved_models())
    return sorted(model._meta.label for model in apps.get_models() if model not in moved)


def dump_data(path: Path, alias: str = DEFAULT_DB_ALIAS) -> None:
    """Serialise the rows of the moved models in `alias` as JSON lines (loaddata reads them one at a time,
    not the whole file at once), each with its primary key, through the models' base managers (a default
    manager that filters would leave rows out)."""
    call_command(
        "dumpdata",
        format="jsonl",
        use_base_manager=True,
        exclude=excluded_labels(),
        output=str(path),
        database=alias,
        verbosity=0,
    )


@contextmanager
def extra_database(url: str, alias: str = "move_target") -> Iterator[str]:
    """A connection to the database at `url`, reachable as `connections[alias]` in this thread for the
    duration of the block. It is not added to DATABASES: nothing else iterating over the configured
    databases (checks, `close_all`, the test runner's isolation) sees it."""
    try:
        config = dj_database_url.parse(url)
    except ValueError as error:
        raise BackupError(f"This is not a database URL ({error}).") from error
    if alias in connections:
        raise BackupError(f"A database named {alias} is already configured.")
    # configure_settings fills in the defaults Django gives every entry of DATABASES.
    config = connections.configure_settings({DEFAULT_DB_ALIAS: config})[DEFAULT_DB_ALIAS]
    wrapper = load_backend(config["ENGINE"]).DatabaseWrapper(config, alias)
    connections[alias] = wrapper
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]


def same_database(first: dict[str, Any], second: dict[str, Any]) -> bool:
    keys = ("ENGINE", "NAME", "HOST", "PORT")
    if "sqlite" in first["ENGINE"] and "sqlite" in second["ENGINE"]:
        return Path(str(first["NAME"])).resolve() == Path(str(second["NAME"])).resolve()
    return all(str(first.get(key) or "") == str(second.get(key) or "") for key in keys)


def run_manage(arguments: list[str], database_url: str, what: str) -> str:
    """Run `manage.py ARGUMENTS` in a new process whose DATABASE_URL is `database_url`; its output.

    Data migrations, post_migrate handlers and the search backend all work on the default database: run
    in a process of its own, the target is that process's default, as when an operator runs migrate."""
    env = {**os.environ, "DATABASE_URL": database_url}
    env.setdefault("DJANGO_SETTINGS_MODULE", settings.SETTINGS_MODULE)
    result = subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *arguments],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{what} failed on the target database:\n{result.stderr.strip()[-3000:]}")
    return result.stdout


def replace_data(alias: str, fixture: Path) -> int:
    """In one transaction on `alias`: empty every table of the installed models, load the fixture, and
    reset the sequences as `sqlsequencereset` does. The number of tables emptied.

    `migrate` has filled some (content types, permissions, the first pages, the locale, the collection,
    the administrative units, the Editors and Moderators groups with their page and collection permissions,
    the provincial group and the review workflow): loaded on top, the copy would keep rows the source no
    longer has, or collide with them."""
    connection = connections[alias]
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    with transaction.atomic(using=alias):
        with connection.cursor() as cursor:
            for statement in connection.ops.sql_flush(no_style(), tables):
                cursor.execute(statement)
        call_command("loaddata", str(fixture), database=alias, verbosity=0)
        present = [
            model for model in apps.get_models(include_auto_created=True) if model._meta.db_table in tables
        ]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), present):
                cursor.execute(statement)
    return len(tables)


def row_counts(alias: str, models: list[type[Model]]) -> dict[str, int]:
    """Rows of each model and of its many-to-many tables in `alias`."""
    counts = {}
    for model in models:
        counts[model._meta.label] = model._base_manager.using(alias).count()
        for many in model._meta.local_many_to_many:
            through = many.remote_field.through
            if through._meta.auto_created:
                counts[through._meta.label] = through._base_manager.using(alias).count()
    return counts


@dataclass
class MoveResult:
    rows: int  # in the source, many-to-many links included
    models: int
    differences: dict[str, tuple[int, int]]


def move_data(target_url: str, replace: bool = False, log: Callable[[str], object] = print) -> MoveResult:
    """Copy the default database's content into the database at `target_url` (any engine; built for
    SQLite to PostgreSQL): migrate it, copy the rows, rebuild the search index, compare row counts.

    Media files are not in the database: MEDIA_ROOT stays where it is."""
    source = connections[DEFAULT_DB_ALIAS]
    missing = unapplied_migrations(DEFAULT_DB_ALIAS)
    if missing:
        raise BackupError(
            f"This database lacks migrations ({', '.join(missing[:5])}...): run `manage.py migrate` first."
        )
    with extra_database(target_url) as alias:
        target = connections[alias]
        if same_database(source.settings_dict, target.settings_dict):
            raise BackupError("The target is the configured database itself.")
        where = describe_database(target.settings_dict)
        try:
            existing = target.introspection.table_names()
        except Exception as error:  # the driver's own error: unreachable, no such database, refused...
            raise BackupError(f"Cannot connect to {where}: {error}") from error
        if existing and not replace:
            raise BackupError(
                f"{where} already has tables ({len(existing)}). Moving replaces its content with this "
                f"database's: add --replace if that is what you want."
            )
        target.close()
        log(f"Migrating {where}...")
        run_manage(["migrate", "--noinput"], target_url, "migrate")
        if applied_migrations(alias) != applied_migrations(DEFAULT_DB_ALIAS):
            raise BackupError(
                "After migrate the target's migrations differ from this database's: are both run by the "
                "same code and settings (DJANGO_SETTINGS_MODULE must read DATABASE_URL)?"
            )
        models = moved_models()
        with tempfile.TemporaryDirectory(prefix="portal-move-") as tmp:
            fixture = Path(tmp) / "data.jsonl"
            log(f"Copying the rows of {len(models)} models...")
            dump_data(fixture, DEFAULT_DB_ALIAS)
            replace_data(alias, fixture)
        log("Rebuilding the search index...")
        run_manage(["update_index"], target_url, "update_index")
        expected = row_counts(DEFAULT_DB_ALIAS, models)
        actual = row_counts(alias, models)
    differences = {
        label: (count, actual.get(label, 0))
        for label, count in expected.items()
        if actual.get(label) != count
    }
    return MoveResult(rows=sum(expected.values()), models=len(models), differences=differences)
