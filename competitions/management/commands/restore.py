"""manage.py restore FOLDER: a backup made by `manage.py backup`, into a new empty
database and empty storage (competitions/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from competitions.backup import BackupError, restore


class Command(BaseCommand):
    help = ("Restore a backup made by `manage.py backup` into the configured database, which "
            "must be empty, and storage (files already there must be identical).")

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--no-database", action="store_true",
                            help="files only (the database restored another way)")

    def handle(self, *args, folder: Path, no_database: bool, **options):
        try:
            summary = restore(folder, database=not no_database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Restored from {folder}: database {summary.database or 'not included'}, "
                          f"{summary.files} files ({summary.bytes} bytes).")
