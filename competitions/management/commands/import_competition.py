"""Import a competition bundle under a new slug and new dates (unpublished)."""

from datetime import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from competitions.bundles import BundleRefused, bundle_import


def when(value: str) -> datetime:
    """2027-04-01 or 2027-04-01T09:00, in the site's time zone unless an offset is given."""
    parsed = parse_datetime(value)
    if parsed is None and (day := parse_date(value)) is not None:
        parsed = datetime(day.year, day.month, day.day)
    if parsed is None:
        raise ValueError(value)
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Command(BaseCommand):
    help = "Import a competition bundle as a new, unpublished competition."

    def add_arguments(self, parser):
        parser.add_argument("bundle", type=Path)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--start", required=True, type=when,
                            help="2027-04-01 or 2027-04-01T09:00 (the site's time zone)")
        parser.add_argument("--end", type=when, default=None,
                            help="leave out for a practice competition with no end")
        parser.add_argument("--organizer", default=None,
                            help="username of a staff user who will organize it")

    def handle(self, *args, bundle: Path, slug: str, start, end, organizer, **options):
        user = None
        if organizer:
            user = get_user_model().objects.filter(username=organizer).first()
            if user is None:
                raise CommandError(f"No user {organizer!r}.")
        if not bundle.is_file():
            raise CommandError(f"{bundle} is not a file.")
        try:
            with bundle.open("rb") as handle:
                imported = bundle_import(handle, slug=slug, start_at=start, end_at=end,
                                         user=user)
        except BundleRefused as refusal:
            raise CommandError(refusal.message()) from None
        self.stdout.write(self.style.SUCCESS(
            f"Imported {slug} (unpublished; publish it in the admin after its checklist). "
            f"{imported.submissions_checked} bundled submissions score identically."))
