"""Backups, restores and moves between databases (issue #26).

A backup is a folder `portal-backup-YYYYMMDD-HHMMSS` holding
- `database.sqlite3`, made with SQLite's online backup API (a consistent copy while the site runs; copying
  the live file can catch it halfway through a write), or `database.pgdump`, made with `pg_dump -Fc`;
- `media.tar.gz`, the uploaded images and documents (MEDIA_ROOT);
- `manifest.json`: the engine, when, the latest applied migration of each app, and each file's size and
  sha256.

A backup restores into the same kind of database only: its format is the engine's own. Moving the data of
one database into another kind (SQLite to PostgreSQL) goes through Django's serialisation instead
(`portal.database_move`). Every function raises `BackupError`, with a message for the operator, when it
cannot do its work; the checks of a restore all run before it changes anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
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
