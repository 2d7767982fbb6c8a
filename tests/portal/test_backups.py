"""Backups, restores and moves between databases: `manage.py backup`, `restore` and `move_to_database`.

The copies are checked in processes of their own (`manage.py` and `backup_probe` with DATABASE_URL set),
so a restore lands in a database that did not exist before: a SQLite file, or a new PostgreSQL database
when the suite runs on PostgreSQL (scripts/with-postgres.sh)."""

import io
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from wagtail.models import Page

from portal import backups, database_move
from tests.portal.backup_probe import fingerprint, seed

ROOT = Path(__file__).resolve().parents[2]
ON_POSTGRES = connection.vendor == "postgresql"
OTHER_ENGINE = "sqlite" if ON_POSTGRES else "postgresql"

# Committed rows, visible to other processes; the migrations' rows come back for the next test.
transactional = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run(arguments: list[str], database_url: str, media_root: Path, **env: str) -> str:
    """Python in a new process on another database; its stdout. Without the suite's shared cache, if any:
    a restore empties its caches."""
    environment = {key: value for key, value in os.environ.items() if key not in {"CACHE_URL", "REDIS_URL"}}
    environment.update(
        DATABASE_URL=database_url,
        MEDIA_ROOT=str(media_root),
        DJANGO_SETTINGS_MODULE="tests.portal.backup_settings",
        **env,
    )
    result = subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, env=environment, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def manage(*arguments: str, database_url: str, media_root: Path, **env: str) -> str:
    return run(["manage.py", *arguments], database_url, media_root, **env)


def probe(command: str, database_url: str, media_root: Path) -> dict:
    code = "import django; django.setup(); from tests.portal.backup_probe import main; main()"
    output = run(["-c", code, command], database_url, media_root)
    return json.loads(output) if command == "fingerprint" else {}


def postgres_url(name: str) -> str:
    config = connection.settings_dict
    credentials = quote(config["USER"] or "", safe="")
    if config["PASSWORD"]:
        credentials += ":" + quote(config["PASSWORD"], safe="")
    port = f":{config['PORT']}" if config["PORT"] else ""
    return f"postgres://{credentials}@{config['HOST'] or 'localhost'}{port}/{name}"


@pytest.fixture
def new_database(tmp_path, transactional_db):
    """Makes empty databases of the suite's engine: a SQLite file, or a database on the suite's server."""
    created = []

    def make(name: str) -> str:
        if not ON_POSTGRES:
            return f"sqlite:///{tmp_path / name}.sqlite3"
        database = f"portal_{name}_{uuid.uuid4().hex[:8]}"
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{database}"')
        created.append(database)
        return postgres_url(database)

    yield make
    with connection.cursor() as cursor:
        for database in created:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def media_root(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "documents").mkdir(parents=True)
    (settings.MEDIA_ROOT / "documents" / "ke-hoach-2026.pdf").write_bytes(b"%PDF-1.4 ke hoach")
    return settings.MEDIA_ROOT


@transactional
def test_backup_restored_into_a_fresh_database_gives_the_same_site(tmp_path, media_root, new_database):
    seed()
    expected = fingerprint()
    assert expected["feed"][0] == 200 and "Lớp tin học cho người cao tuổi" in expected["feed"][1]
    assert expected["search"], "the search index is part of the comparison"
    (tmp_path / "backups").mkdir()
    output = io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=output)
    folder = Path(output.getvalue().strip())
    assert folder.parent == tmp_path / "backups" and folder.name.startswith("portal-backup-")

    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert manifest["migrations"] == backups.applied_migrations()
    assert {entry["name"] for entry in manifest["files"]} == {
        backups.DATABASE_FILES[connection.vendor],
        "media.tar.gz",
    }
    for entry in manifest["files"]:
        assert backups.file_entry(folder / entry["name"]) == entry

    target, restored_media = new_database("restored"), tmp_path / "restored-media"
    restored = manage("restore", str(folder), "--yes", database_url=target, media_root=restored_media)
    assert "Restored the backup" in restored
    assert probe("fingerprint", target, restored_media) == expected
    assert (restored_media / "documents" / "ke-hoach-2026.pdf").read_bytes() == b"%PDF-1.4 ke hoach"


def make_backup_folder(folder: Path, engine: str, migrations: dict | None = None) -> Path:
    """A well-formed backup folder whose database file is a stand-in (restore refuses before using it)."""
    folder.mkdir()
    database = folder / backups.DATABASE_FILES[engine]
    if engine == "sqlite":
        sqlite3.connect(database).close()
    else:
        database.write_bytes(b"PGDMP stand-in")
    with tarfile.open(folder / "media.tar.gz", "w:gz"):
        pass
    manifest = backups.Manifest(
        engine=engine,
        created_at="2026-11-25T09:00:00+07:00",
        migrations=backups.applied_migrations() if migrations is None else migrations,
        files=[backups.file_entry(database), backups.file_entry(folder / "media.tar.gz")],
    )
    (folder / "manifest.json").write_text(manifest.as_json())
    return folder


def damage_file(folder: Path) -> None:
    with (folder / "media.tar.gz").open("ab") as archive:
        archive.write(b"\0")


def newer_migrations(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["migrations"]["portal"] = "9999_from_the_future"
    (folder / "manifest.json").write_text(json.dumps(manifest))


def media_outside(folder: Path) -> None:
    with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
        member = tarfile.TarInfo("media/../../evil.txt")
        archive.addfile(member, io.BytesIO(b""))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"][1] = backups.file_entry(folder / "media.tar.gz")
    (folder / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "spoil, message",
    [
        (lambda folder: None, "run again with --yes"),
        (lambda folder: (folder / "manifest.json").unlink(), "has no manifest.json"),
        (lambda folder: (folder / "manifest.json").write_text('{"engine": '), "cannot be read"),
        (
            lambda folder: (folder / "manifest.json").write_text('{"engine": "sqlite"}'),
            "not a valid manifest",
        ),
        (damage_file, "does not match its manifest"),
        (newer_migrations, "newer version of the portal"),
        (media_outside, "outside media/"),
    ],
    ids=[
        "without-yes",
        "no-manifest",
        "corrupt-manifest",
        "incomplete-manifest",
        "damaged",
        "newer",
        "media",
    ],
)
def test_restore_refuses_and_changes_nothing(tmp_path, media_root, home, spoil, message):
    folder = make_backup_folder(tmp_path / "backup", connection.vendor)
    spoil(folder)
    pages = list(Page.objects.values_list("pk", "title"))
    arguments = [str(folder)] if message.endswith("--yes") else [str(folder), "--yes"]
    with pytest.raises(CommandError, match=message):
        call_command("restore", *arguments)
    assert list(Page.objects.values_list("pk", "title")) == pages
    assert [path.name for path in media_root.rglob("*")] == ["documents", "ke-hoach-2026.pdf"]


@pytest.mark.django_db
def test_restore_refuses_a_backup_of_the_other_engine_and_points_to_the_move(tmp_path):
    folder = make_backup_folder(tmp_path / "backup", OTHER_ENGINE)
    with pytest.raises(CommandError, match="restores into the same kind of database") as refused:
        call_command("restore", str(folder), "--yes")
    assert "manage.py move_to_database" in str(refused.value)


@pytest.mark.django_db
def test_restore_refuses_a_folder_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("restore", str(tmp_path / "missing"), "--yes")


@pytest.mark.django_db
def test_backup_refuses_an_output_folder_that_does_not_exist(tmp_path):
    with pytest.raises(CommandError, match="is the backup disk mounted"):
        call_command("backup", str(tmp_path / "not-mounted"))
    assert not (tmp_path / "not-mounted").exists()


def test_postgresql_password_goes_through_the_environment_not_the_command_line():
    arguments, env = backups.postgres_arguments(
        {
            "NAME": "portal",
            "USER": "portal",
            "PASSWORD": "mat-khau-bi-mat",
            "HOST": "db.internal",
            "PORT": "5433",
            "OPTIONS": {"sslmode": "require"},
        }
    )
    assert arguments == ["--host=db.internal", "--port=5433", "--username=portal"]
    assert env["PGPASSWORD"] == "mat-khau-bi-mat" and env["PGSSLMODE"] == "require"


def test_postgresql_programs_come_from_path_or_the_newest_debian_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(backups, "POSTGRES_PROGRAMS", tmp_path)
    with pytest.raises(backups.BackupError, match="pg_dump was not found"):
        backups.find_postgres_tool("pg_dump")
    for version in ("9.6", "15", "13"):
        program = tmp_path / version / "bin" / "pg_dump"
        program.parent.mkdir(parents=True)
        program.write_text("#!/bin/sh\n")
        program.chmod(0o755)
    assert backups.find_postgres_tool("pg_dump") == str(tmp_path / "15" / "bin" / "pg_dump")


def test_move_leaves_out_only_sessions_and_the_search_index():
    excluded = set(database_move.excluded_labels())
    assert {"sessions.Session", "wagtailsearch.IndexEntry"} <= excluded
    if not ON_POSTGRES:  # the full-text table modelsearch adds on SQLite
        assert "wagtailsearch.SQLiteFTSIndexEntry" in excluded
    moved = {model._meta.label for model in database_move.moved_models()}
    assert {
        "contenttypes.ContentType",
        "auth.Permission",
        "admin.LogEntry",
        "wagtailcore.Page",
        "wagtailcore.PageLogEntry",
        "wagtailcore.GroupCollectionPermission",
        "events.Attendance",
    } <= moved
    assert not moved & excluded


@transactional
def test_move_copies_everything_into_a_new_database(tmp_path, media_root, new_database):
    """Into a freshly migrated database, where migrate and post_migrate have made content types, pages,
    groups, collection permissions and a workflow of their own. seed() deletes a page and a user that the
    history names (natural keys cannot be dumped then) and leaves gaps in the ids (natural primary keys
    would renumber), and gives a migration-made collection permission a new id (it collides unless the
    target's rows are replaced)."""
    seed()
    expected = fingerprint()
    target = new_database("moved")
    output = io.StringIO()
    call_command("move_to_database", target, stdout=output)
    assert "the counts match" in output.getvalue()
    assert probe("fingerprint", target, media_root) == expected


@pytest.mark.django_db
def test_move_refuses_a_database_that_already_has_tables(tmp_path):
    target = tmp_path / "in-use.sqlite3"
    with sqlite3.connect(target) as database:
        database.execute("CREATE TABLE notes (body TEXT)")
    with pytest.raises(CommandError, match="add --replace"):
        call_command("move_to_database", f"sqlite:///{target}")


@pytest.mark.skipif(not ON_POSTGRES, reason="needs a PostgreSQL server: run under scripts/with-postgres.sh")
@transactional
def test_move_from_a_sqlite_file_to_postgresql(tmp_path, new_database):
    source, media = f"sqlite:///{tmp_path / 'portal.sqlite3'}", tmp_path / "media"
    manage("migrate", "--noinput", database_url=source, media_root=media)
    probe("seed", source, media)
    target = new_database("from_sqlite")
    output = manage("move_to_database", database_url=source, media_root=media, TARGET_DATABASE_URL=target)
    assert "the counts match" in output
    expected, moved = probe("fingerprint", source, media), probe("fingerprint", target, media)
    assert moved == expected
