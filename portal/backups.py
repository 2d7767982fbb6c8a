"""Backups, restores and moves between databases (issue #26).

A backup is a folder `portal-backup-YYYYMMDD-HHMMSS` holding
- `database.sqlite3`, made with SQLite's online backup API (a consistent copy while the site runs; copying
  the live file can catch it halfway through a write), or `database.pgdump`, made with `pg_dump -Fc`;
- `media.tar.gz`, the uploaded images and documents (MEDIA_ROOT);
- `manifest.json`: the engine, when, the latest applied migration of each app, and each file's size and
  sha256.

A backup restores into the same kind of database only: its format is the engine's own. Moving the data of
one database into another kind (SQLite to PostgreSQL) goes through Django's serialisation instead
(`move_data`). Every function raises `BackupError`, with a message for the operator, when it cannot do
its work; the checks of a restore all run before it changes anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.models import Model
from django.db.utils import load_backend
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
FOLDER_PREFIX = "portal-backup-"
CHUNK = 1024 * 1024
POSTGRES_PROGRAMS = Path("/usr/lib/postgresql")  # Debian: one bin/ folder per installed version


class BackupError(Exception):
    """A backup, restore or move that cannot go ahead, with the reason for the operator."""


# --- The database -----------------------------------------------------------------------------------------


def engine_of(alias: str = DEFAULT_DB_ALIAS) -> str:
    """The engine of the database `alias` as a backup names it, "sqlite" or "postgresql"; BackupError for
    any other."""
    vendor = connections[alias].vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def describe_database(settings_dict: dict[str, Any]) -> str:
    """The database for a message: engine, host and name, never the password."""
    engine = settings_dict["ENGINE"].rsplit(".", 1)[-1]
    if "sqlite" in engine:
        return f"SQLite {settings_dict['NAME']}"
    host = settings_dict.get("HOST") or "local socket"
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"{ENGINE_NAMES.get(engine, engine)} {settings_dict['NAME']} on {host}{port}"


def applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """The latest applied migration of each app, in the order of the migration graph (a squashed
    migration is recorded after the ones it replaces, so the order of the records would name it)."""
    loader = MigrationLoader(connections[alias], ignore_no_migrations=True)
    applied = set(loader.applied_migrations or {})
    latest = dict(sorted(applied))  # apps the code no longer has keep their last record
    for leaf in loader.graph.leaf_nodes():
        for app, name in loader.graph.forwards_plan(leaf):
            if app == leaf[0] and (app, name) in applied:
                latest[app] = name
    return dict(sorted(latest.items()))


def unapplied_migrations(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Migrations of the code that the database lacks, as `app.name`."""
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def find_postgres_tool(name: str) -> str:
    """The path of a PostgreSQL client program (`pg_dump`, `pg_restore`): on PATH, or else in the newest
    /usr/lib/postgresql/*/bin (Debian installs the server's programs there)."""
    found = shutil.which(name)
    if found:
        return found

    def version(folder: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", folder.parent.name)) or (0,)

    for folder in sorted(POSTGRES_PROGRAMS.glob("*/bin"), key=version, reverse=True):
        if (folder / name).is_file() and os.access(folder / name, os.X_OK):
            return str(folder / name)
    raise BackupError(
        f"{name} was not found on PATH nor in /usr/lib/postgresql/*/bin. Install the PostgreSQL client "
        f"programs (Debian: apt-get install postgresql-client), of the server's version or newer."
    )


# libpq reads these from the environment; the password never goes on a command line, where `ps` shows it.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
}


def postgres_arguments(settings_dict: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    """Connection options for pg_dump and pg_restore from Django's `connection.settings_dict`: host, port
    and user as arguments, the password and TLS options in the environment (PGPASSWORD...)."""
    arguments: list[str] = []
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            arguments.append(f"{flag}={settings_dict[key]}")
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    for option, variable in LIBPQ_OPTIONS.items():
        value = settings_dict.get("OPTIONS", {}).get(option)
        if value:
            env[variable] = str(value)
    return arguments, env


def run_tool(command: list[str], env: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} failed ({Path(command[0]).name}): {result.stderr.strip()[-2000:]}")


def backup_database(alias: str, destination: Path) -> None:
    """Write a consistent copy of the database `alias` to `destination`."""
    connection = connections[alias]
    if engine_of(alias) == "sqlite":
        if connection.in_atomic_block:
            raise BackupError("A SQLite backup cannot run inside a transaction.")
        connection.ensure_connection()
        # Django's own connection as the source: the backup API copies the pages under a read lock, so the
        # copy is one consistent state even while the site writes, and an in-memory database works too.
        target = sqlite3.connect(destination)
        try:
            connection.connection.backup(target)
            check = target.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            target.close()
        if check != "ok":
            raise BackupError(f"The copy of the SQLite database does not pass quick_check: {check}")
    else:
        arguments, env = postgres_arguments(connection.settings_dict)
        command = [find_postgres_tool("pg_dump"), "--format=custom", f"--file={destination}", *arguments]
        run_tool([*command, connection.settings_dict["NAME"]], env, "pg_dump")


def restore_database(alias: str, source: Path) -> None:
    """Replace the content of the database `alias` with the backup file `source` (of its own engine)."""
    connection = connections[alias]
    if engine_of(alias) == "sqlite":
        if connection.in_atomic_block:
            raise BackupError("A SQLite restore cannot run inside a transaction.")
        connection.ensure_connection()
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            # The backup API replaces the target's pages in one step: never a half-restored file.
            backup.backup(connection.connection)
        finally:
            backup.close()
        connection.close()
    else:
        connection.close()  # pg_restore drops the tables: no session of ours may hold them
        arguments, env = postgres_arguments(connection.settings_dict)
        command = [
            find_postgres_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",  # all or nothing
            f"--dbname={connection.settings_dict['NAME']}",
            *arguments,
            str(source),
        ]
        run_tool(command, env, "pg_restore")


# --- Media files ------------------------------------------------------------------------------------------


def archive_media(media_root: Path, destination: Path) -> None:
    """MEDIA_ROOT as a tar.gz whose entries sit under `media/` (an empty archive when there is no folder)."""
    with tarfile.open(destination, "w:gz") as archive:
        if media_root.is_dir():
            archive.add(media_root, arcname="media")


def check_media_archive(path: Path) -> None:
    """Raise BackupError unless every entry is a plain file or folder under `media/`."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive.getmembers():
                try:
                    if member.name != "media" and not member.name.startswith("media/"):
                        raise tarfile.FilterError(member.name)
                    tarfile.data_filter(
                        member, "/restore"
                    )  # refuses links out, devices, "..", absolute paths
                except tarfile.FilterError as error:
                    raise BackupError(f"{path.name} holds {member.name!r}, outside media/.") from error
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{path.name} cannot be read: {error}") from error


def restore_media(archive_path: Path, media_root: Path) -> int:
    """Replace the content of MEDIA_ROOT with the archive's; the number of files restored.

    The archive is unpacked beside MEDIA_ROOT first, so a damaged archive leaves the files as they were;
    MEDIA_ROOT itself stays (it may be a mount point), only what is inside it is replaced."""
    media_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=f".{media_root.name}-restore-") as tmp:
        with tarfile.open(archive_path, "r:gz") as archive:
            archive.extractall(tmp, filter="data")
        unpacked = Path(tmp) / "media"
        unpacked.mkdir(exist_ok=True)
        for entry in media_root.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        for entry in unpacked.iterdir():
            shutil.move(str(entry), media_root / entry.name)
    return sum(1 for entry in media_root.rglob("*") if entry.is_file())


# --- Manifest ---------------------------------------------------------------------------------------------


def file_entry(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK):
            digest.update(chunk)
    return {"name": path.name, "size": path.stat().st_size, "sha256": digest.hexdigest()}


@dataclass
class Manifest:
    """What `manifest.json` says about a backup."""

    engine: str
    created_at: str
    migrations: dict[str, str]
    files: list[dict[str, Any]] = field(default_factory=list)
    format: int = FORMAT

    @property
    def database_file(self) -> str:
        return DATABASE_FILES[self.engine]

    def as_json(self) -> str:
        return json.dumps(
            {
                "format": self.format,
                "engine": self.engine,
                "created_at": self.created_at,
                "migrations": self.migrations,
                "files": self.files,
            },
            indent=2,
        )


def read_manifest(folder: Path) -> Manifest:
    """The manifest of a backup folder; BackupError when the folder or the manifest is not a backup's."""
    if not folder.is_dir():
        raise BackupError(f"{folder} is not a folder.")
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BackupError(
            f"{folder} has no {MANIFEST}: it is not a backup made by `manage.py backup`."
        ) from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(f"{path} cannot be read: {error}") from error
    try:
        manifest = Manifest(
            engine=data["engine"],
            created_at=str(data["created_at"]),
            migrations={str(app): str(name) for app, name in data["migrations"].items()},
            files=[
                {"name": str(entry["name"]), "size": int(entry["size"]), "sha256": str(entry["sha256"])}
                for entry in data["files"]
            ],
            format=int(data["format"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BackupError(f"{path} is not a valid manifest ({error!r}).") from error
    if manifest.format != FORMAT:
        raise BackupError(f"{path} has format {manifest.format}; this version reads format {FORMAT}.")
    if manifest.engine not in DATABASE_FILES:
        raise BackupError(f"{path} names an unknown engine {manifest.engine!r}.")
    names = {entry["name"] for entry in manifest.files}
    if not {manifest.database_file, MEDIA_ARCHIVE} <= names:
        raise BackupError(f"{path} does not list both {manifest.database_file} and {MEDIA_ARCHIVE}.")
    return manifest


def verify_files(folder: Path, manifest: Manifest) -> None:
    """Raise BackupError unless each listed file is there with its size and sha256."""
    for entry in manifest.files:
        path = folder / entry["name"]
        if Path(entry["name"]).name != entry["name"] or not path.is_file():
            raise BackupError(f"{entry['name']} is missing from {folder}.")
        actual = file_entry(path)
        if (actual["size"], actual["sha256"]) != (entry["size"], entry["sha256"]):
            raise BackupError(f"{path} does not match its manifest (size or sha256): the backup is damaged.")


# --- Backup and restore -----------------------------------------------------------------------------------


def create_backup(
    output_dir: Path, alias: str = DEFAULT_DB_ALIAS, media_root: Path | None = None
) -> tuple[Path, Manifest]:
    """Back up the database and MEDIA_ROOT into a new folder inside `output_dir`; its path and manifest.

    The database goes first, then the media: every file the copied database names is then in the archive.
    The folder is written under a hidden name and renamed when complete, so a folder with the backup's
    name is always a whole backup."""
    output_dir = Path(output_dir)
    if not output_dir.is_dir():
        raise BackupError(f"{output_dir} is not a folder (is the backup disk mounted?).")
    media_root = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
    engine = engine_of(alias)
    now = timezone.localtime()
    # mkdtemp makes the folder readable by its owner only: the database holds staff accounts.
    partial = Path(tempfile.mkdtemp(dir=output_dir, prefix=".partial-"))
    try:
        database_file = partial / DATABASE_FILES[engine]
        backup_database(alias, database_file)
        archive_media(media_root, partial / MEDIA_ARCHIVE)
        manifest = Manifest(
            engine=engine,
            created_at=now.isoformat(timespec="seconds"),
            migrations=applied_migrations(alias),
            files=[file_entry(database_file), file_entry(partial / MEDIA_ARCHIVE)],
        )
        (partial / MANIFEST).write_text(manifest.as_json() + "\n", encoding="utf-8")
        name = f"{FOLDER_PREFIX}{now:%Y%m%d-%H%M%S}"
        folder = output_dir / name
        suffix = 1
        while folder.exists():
            suffix += 1
            folder = output_dir / f"{name}-{suffix}"
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return folder, manifest


def check_restorable(folder: Path, alias: str = DEFAULT_DB_ALIAS) -> Manifest:
    """Every check a restore makes before it changes anything; the backup's manifest."""
    folder = Path(folder)
    manifest = read_manifest(folder)
    engine = engine_of(alias)
    if manifest.engine != engine:
        raise BackupError(
            f"This backup is of a {ENGINE_NAMES[manifest.engine]} database and the configured database is "
            f"{ENGINE_NAMES[engine]}. A backup restores into the same kind of database only. To move the "
            f"data to another kind, restore it into a {ENGINE_NAMES[manifest.engine]} database, then run "
            f"`manage.py move_to_database TARGET_DATABASE_URL` with that database configured."
        )
    verify_files(folder, manifest)
    check_media_archive(folder / MEDIA_ARCHIVE)
    on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [f"{app}.{name}" for app, name in manifest.migrations.items() if (app, name) not in on_disk]
    if unknown:
        raise BackupError(
            "This backup was made by a newer version of the portal (migrations unknown to this code: "
            f"{', '.join(unknown)}). Deploy that version, then restore."
        )
    if engine == "sqlite":
        try:
            backup = sqlite3.connect(f"file:{folder / manifest.database_file}?mode=ro", uri=True)
            try:
                check = backup.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                backup.close()
        except sqlite3.DatabaseError as error:
            check = str(error)
        if check != "ok":
            raise BackupError(f"{manifest.database_file} is not a sound SQLite database: {check}")
    return manifest


@dataclass
class RestoreResult:
    manifest: Manifest
    media_files: int
    unapplied: list[str]  # migrations of the code that the restored database lacks: run `migrate`


def restore_backup(
    folder: Path, alias: str = DEFAULT_DB_ALIAS, media_root: Path | None = None
) -> RestoreResult:
    """Replace the database `alias` and MEDIA_ROOT with a backup's, after `check_restorable`.

    The caches are emptied (they hold pages of the replaced content)."""
    folder = Path(folder)
    media_root = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
    manifest = check_restorable(folder, alias)
    restore_database(alias, folder / manifest.database_file)
    media_files = restore_media(folder / MEDIA_ARCHIVE, media_root)
    for cache in caches.all(initialized_only=False):
        cache.clear()
    return RestoreResult(manifest, media_files, unapplied_migrations(alias))


# --- Moving to another database ---------------------------------------------------------------------------
#
# A move copies every row with its primary key, content types and permissions included, into a target whose
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
