"""Post a baseline entry (e.g. the starter kit's predictions): scored, shown, never ranked."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from competitions import policy
from competitions.baseline_entries import baseline_post
from competitions.models import Competition


class Command(BaseCommand):
    help = "Post a prediction file as a baseline entry of a competition."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("name", help='the name shown, e.g. "Starter kit CNN"')
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", default=None,
                            help="organizer username (default: the competition's first organizer, "
                                 "its host, else the first superuser)")

    def handle(self, *args, slug, name, file, user, **options):
        competition = Competition.objects.filter(slug=slug).first()
        if competition is None:
            raise CommandError(f"No competition {slug!r}.")
        organizer = (get_user_model().objects.filter(username=user).first() if user
                     else policy.first_organizer(competition))
        if organizer is None:
            raise CommandError("No organizer account to post as: pass --user.")
        try:
            submission = baseline_post(competition=competition, name=name,
                                       content=file.read_bytes(), user=organizer,
                                       filename=file.name)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Baseline {name!r} posted as submission {submission.pk}.")
