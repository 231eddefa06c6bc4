"""manage.py backup FOLDER: the database and every stored file (competitions/backup.py)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from competitions.backup import BackupError, backup


class Command(BaseCommand):
    help = ("Back up the database (pg_dump, custom format) and every stored file (a files "
            "folder or the S3 bucket) into a new folder; `restore` brings them back.")

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="a new or empty folder")
        parser.add_argument("--no-database", action="store_true",
                            help="files only (dump the database another way, e.g. with "
                            "pg_dump in the database container)")

    def handle(self, *args, folder: Path, no_database: bool, **options):
        try:
            summary = backup(folder, database=not no_database)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Backed up to {folder}: database {summary.database or 'not included'}, "
                          f"{summary.files} files ({summary.bytes} bytes).")
