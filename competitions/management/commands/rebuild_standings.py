"""Rebuild the leaderboards' per-team standings from the submissions.

Scores keep the standings up to date as they come; this is for an existing database that
has submissions from before the standings existed, or after rows were edited by hand.
"""

from django.core.management.base import BaseCommand, CommandError

from competitions.models import Competition, Standing


class Command(BaseCommand):
    help = "Rebuild every team's leaderboard standing (all competitions, or those named)."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="SLUG")

    def handle(self, *args, slugs: list[str], **options):
        competitions = Competition.objects.all()
        if slugs:
            competitions = competitions.filter(slug__in=slugs)
            missing = set(slugs) - set(competitions.values_list("slug", flat=True))
            if missing:
                raise CommandError(f"No competition with the slug {', '.join(sorted(missing))}.")
        for competition in competitions:
            Standing.rebuild(competition)
            self.stdout.write(f"{competition.slug}: {competition.standings.count()} standings.")
