"""Backup and restore of a whole Kompe site: the database and every stored file.

A backup is a folder:

    manifest.json      what is inside: the database kind, every file with its size and SHA-256
    database.dump      pg_dump's custom format (PostgreSQL), or database.sqlite3 (SQLite)
    files/<storage>/…  each file of the "private" storage (and of "default" where it is
                       another place), under its stored name

Files are read and written through Django's storage API, so the same commands copy a
files folder or an S3 bucket, and restore into either. The database is dumped first and
the files copied after: a file stored meanwhile is copied without a row naming it
(harmless), while every row of the dump finds its file — files are only added or deleted
with their rows, never changed in place.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections

MANIFEST = "manifest.json"
FORMAT = 1
STORAGE_ALIASES = ("private", "default")
CHUNK = 1024 * 1024


class BackupError(Exception):
    pass


@dataclass
class Summary:
    database: str | None
    files: int
    bytes: int


def _place(storage) -> tuple:
    """Where a storage keeps its files: two aliases at one place are copied once."""
    if isinstance(storage, FileSystemStorage):
        return ("folder", os.path.realpath(storage.location))
    return (type(storage).__name__, getattr(storage, "bucket_name", None),
            getattr(storage, "location", None), getattr(storage, "endpoint_url", None))


def distinct_storages() -> dict[str, object]:
    found, places = {}, set()
    for alias in STORAGE_ALIASES:
        storage = storages[alias]
        place = _place(storage)
        if place not in places:
            places.add(place)
            found[alias] = storage
    return found


def stored_names(storage, folder: str = ""):
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a files folder not made yet: nothing stored
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for name in sorted(folders):
        yield from stored_names(storage, f"{folder}/{name}" if folder else name)


def _copy(source, target) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        target.write(chunk)
    return size, digest.hexdigest()


def _postgres_environment(settings_dict: dict) -> tuple[list[str], dict]:
    arguments = []
    if settings_dict.get("HOST"):
        arguments += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        arguments += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        arguments += ["--username", settings_dict["USER"]]
    environment = {**os.environ}
    if settings_dict.get("PASSWORD"):
        environment["PGPASSWORD"] = settings_dict["PASSWORD"]
    return arguments, environment


def _run(command: list[str], environment: dict) -> None:
    try:
        done = subprocess.run(command, env=environment, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client, "
                          "the server's major version or newer)") from None
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def dump_database(folder: Path, alias: str = "default") -> str:
    settings_dict = connections[alias].settings_dict
    vendor = connections[alias].vendor
    if vendor == "postgresql":
        arguments, environment = _postgres_environment(settings_dict)
        # Custom format: compressed, and pg_restore can restore it into a new database.
        # No owners or grants: the restoring role owns what it creates.
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *arguments,
              "--file", str(folder / "database.dump"), settings_dict["NAME"]], environment)
        return "database.dump"
    if vendor == "sqlite":
        # SQLite's online backup: a consistent copy even while the site writes.
        source = sqlite3.connect(settings_dict["NAME"])
        target = sqlite3.connect(folder / "database.sqlite3")
        with target:
            source.backup(target)
        source.close()
        target.close()
        return "database.sqlite3"
    raise BackupError(f"no backup for a {vendor} database")


def backup(folder: Path, *, database: bool = True) -> Summary:
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise BackupError(f"{folder} is not empty: back up into a new folder")
    manifest = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(),
                "database": None, "storages": {}}
    if database:
        manifest["database"] = dump_database(folder)
    count = total = 0
    for alias, storage in distinct_storages().items():
        entries = manifest["storages"][alias] = []
        for name in stored_names(storage):
            target = folder / "files" / alias / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with storage.open(name, "rb") as source, target.open("wb") as copy:
                size, sha256 = _copy(source, copy)
            entries.append({"name": name, "size": size, "sha256": sha256})
            count, total = count + 1, total + size
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return Summary(manifest["database"], count, total)


def _read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"{folder} has no {MANIFEST}: not a Kompe backup") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def restore_database(folder: Path, name: str, alias: str = "default") -> None:
    connection = connections[alias]
    if connection.introspection.table_names():
        raise BackupError(f"the database {connection.settings_dict['NAME']} is not empty: "
                          "restore into a new, empty database")
    connection.close()
    if name == "database.dump":
        if connection.vendor != "postgresql":
            raise BackupError("a PostgreSQL dump restores into PostgreSQL only")
        arguments, environment = _postgres_environment(connection.settings_dict)
        # One transaction: a failure leaves the database empty, never half restored.
        _run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
              "--single-transaction", *arguments, "--dbname",
              connection.settings_dict["NAME"], str(folder / name)], environment)
    elif name == "database.sqlite3":
        if connection.vendor != "sqlite":
            raise BackupError("an SQLite copy restores into SQLite only")
        shutil.copyfile(folder / name, connection.settings_dict["NAME"])
    else:
        raise BackupError(f"unknown database file {name!r}")


def restore(folder: Path, *, database: bool = True) -> Summary:
    manifest = _read_manifest(folder)
    # Check the copies before anything is written.
    for alias, entries in manifest["storages"].items():
        for entry in entries:
            path = folder / "files" / alias / entry["name"]
            with path.open("rb") as source:
                size, sha256 = _copy(source, _Discard())
            if (size, sha256) != (entry["size"], entry["sha256"]):
                raise BackupError(f"{path} differs from the manifest: the backup is damaged")
    if database and manifest["database"]:
        restore_database(folder, manifest["database"])
    count = total = 0
    targets = distinct_storages()
    for alias, entries in manifest["storages"].items():
        storage = targets.get(alias) or storages[alias]
        for entry in entries:
            name = entry["name"]
            if storage.exists(name):
                with storage.open(name, "rb") as existing:
                    if _copy(existing, _Discard())[1] == entry["sha256"]:
                        continue
                raise BackupError(f"{name} exists in the {alias} storage with other "
                                  "contents: restore into empty storage")
            with (folder / "files" / alias / name).open("rb") as source:
                saved = storage.save(name, File(source, name=name))
            if saved != name:
                raise BackupError(f"{name} was stored as {saved}")
            count, total = count + 1, total + entry["size"]
    return Summary(manifest["database"] if database else None, count, total)


class _Discard:
    def write(self, chunk: bytes) -> None:
        pass
