"""Export a competition as a bundle (docs/bundles.md), to run it again next term."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from competitions.bundles import bundle_export
from competitions.models import Competition


class Command(BaseCommand):
    help = "Export a competition (settings, texts, labels, data files, hidden solution, " \
           "optionally submissions) as one zip with a YAML manifest."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("out", type=Path, help="the bundle to write, e.g. term1.zip")
        parser.add_argument("--with-submissions", action="store_true",
                            help="include every submission file and its scores")

    def handle(self, *args, slug: str, out: Path, with_submissions: bool, **options):
        # Whoever runs manage.py has the server's keys: no policy question to ask here.
        competition = Competition.objects.filter(slug=slug).first()
        if competition is None:
            raise CommandError(f"No competition {slug!r}.")
        partial = out.with_name(out.name + ".partial")
        try:
            with partial.open("wb") as handle:
                manifest = bundle_export(competition, handle,
                                         with_submissions=with_submissions)
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(self.style.SUCCESS(
            f"Exported {slug} to {out}: {len(manifest['data_files'])} data files, "
            f"{len(manifest['submissions'])} submissions."))
