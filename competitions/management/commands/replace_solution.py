"""Replace a competition's hidden solution (after a label fix) and rescore everything."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from competitions.models import Competition
from competitions.rescoring import solution_replace
from scoring.problems import InvalidFile


class Command(BaseCommand):
    help = "Replace the hidden solution of a competition and rescore every submission."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("solution", type=Path, help="CSV: id,label,usage")
        parser.add_argument("--reason", default="", help="kept in the rescore audit")

    def handle(self, *args, slug: str, solution: Path, reason: str, **options):
        competition = Competition.objects.filter(slug=slug).first()
        if competition is None:
            raise CommandError(f"No competition {slug!r}.")
        try:
            run = solution_replace(competition=competition, content=solution.read_bytes(),
                                   reason=reason)
        except InvalidFile as invalid:
            raise CommandError("\n".join(p.message() for p in invalid.problems[:10])) from None
        self.stdout.write(f"Solution replaced; {run.records.count()} submission(s) queued for "
                          f"rescoring. Audit: admin, rescore #{run.pk}.")
