"""Build a competition from a folder (or zip) of labelled images, for organizers.

The same builder as the site's community hosting, run here and now (no worker): the
competition is organizer-run (no host; the admin manages it) unless --host is given.
"""

import io
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_slug

from competitions.builder.build import BuildOptions, Progress, build_dataset
from competitions.builder.limits import Limits
from competitions.builder.publish import CompetitionDetails, publish
from competitions.builder.refusals import BuildRefused
from competitions.models import Competition, Visibility

# The command's options and the competition's fields they fill.
FIELDS = {"slug": "slug", "title": "title", "description": "short_description"}


class Command(BaseCommand):
    help = "Build a competition from a folder of labelled images (one folder per class, " \
           "or images and a labels.csv), or from a zip of one."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="a folder or a .zip")
        parser.add_argument("--slug", required=True)
        parser.add_argument("--title", required=True)
        parser.add_argument("--description", default="")
        parser.add_argument("--test-fraction", type=float, default=0.2)
        parser.add_argument("--public-fraction", type=float, default=0.3)
        parser.add_argument("--max-side", type=int, default=None,
                            help="shrink larger images to fit this side")
        parser.add_argument("--fixed-side", type=int, default=None,
                            help="crop and scale every image to a square of this side, so "
                                 "that no class can be told by its images' size or shape")
        parser.add_argument("--seed", type=int, default=None,
                            help="the same seed gives the same splits")
        parser.add_argument("--visibility", choices=Visibility.values,
                            default=Visibility.PUBLIC)
        parser.add_argument("--host", default=None,
                            help="username of a host who manages it on the site")
        parser.add_argument("--draft", action="store_true",
                            help="leave it unpublished, to finish in the admin")

    def handle(self, *args, path: Path, slug: str, title: str, **options):
        try:
            validate_slug(slug)
        except ValidationError:
            raise CommandError("--slug: letters, digits, - and _ only.") from None
        for name, value in (("slug", slug), ("title", title),
                            ("description", options["description"])):
            limit = Competition._meta.get_field(FIELDS[name]).max_length
            if len(value) > limit:
                raise CommandError(f"--{name}: at most {limit} characters ({len(value)} given).")
        if not title.strip():
            raise CommandError("--title: give the competition a title.")
        if not 0 < options["test_fraction"] < 1 or not 0 < options["public_fraction"] < 1:
            raise CommandError("--test-fraction and --public-fraction lie between 0 and 1.")
        if options["max_side"] and options["fixed_side"]:
            raise CommandError("--max-side or --fixed-side, not both.")
        for name in ("max_side", "fixed_side"):
            if options[name] is not None and not 16 <= options[name] <= 4096:
                raise CommandError(f"--{name.replace('_', '-')} lies between 16 and 4096.")
        host = None
        if options["host"]:
            host = get_user_model().objects.filter(username=options["host"]).first()
            if host is None:
                raise CommandError(f"No user {options['host']!r}.")
        build_options = BuildOptions(test_fraction=options["test_fraction"],
                                     public_fraction=options["public_fraction"],
                                     max_side=options["max_side"],
                                     fixed_side=options["fixed_side"], seed=options["seed"])
        details = CompetitionDetails(slug=slug, title=title,
                                     short_description=options["description"], host=host,
                                     visibility=options["visibility"],
                                     is_published=not options["draft"])
        folder = Path(tempfile.mkdtemp(prefix="kompe-build-"))
        try:
            with _opened(path) as handle:
                dataset = build_dataset(handle, folder=folder, options=build_options,
                                        limits=Limits.from_settings(), display_name=path.name,
                                        progress=self._progress)
            competition = publish(dataset=dataset, details=details)
        except BuildRefused as refusal:
            raise CommandError(refusal.message()) from None
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        self._summary(competition, dataset.report)

    def _progress(self, progress: Progress) -> None:
        if progress.stage == "images" and progress.images_total:
            self.stdout.write(f"\r  images: {progress.images_done}/{progress.images_total}",
                              ending="")
        elif progress.stage == "writing":
            self.stdout.write("\n  writing the files")

    def _summary(self, competition, report: dict) -> None:
        self.stdout.write(self.style.SUCCESS(
            f"Built {competition.slug}: {len(competition.labels)} classes, "
            f"{competition.solution_public_rows} public and {competition.solution_private_rows} "
            f"private test images ({report['format']})."))
        for row in report["classes"]:
            self.stdout.write(f"  {row['label']}: train {row['train']}, "
                              f"test {row['public'] + row['private']}, sizes {row['sizes']}")
        leak = report.get("size_leak")
        if leak:
            self.stdout.write(self.style.WARNING(
                f"  the image {leak['feature']} alone tells the class of {leak['share_text']} "
                f"of the test images (the commonest class: {leak['baseline_text']}); build "
                "again with --fixed-side (or --max-side)"))
        for group in report["duplicates"]:
            self.stdout.write(f"  duplicate, one kept: {' = '.join(group)}")
        for group in report["conflicts"]:
            self.stdout.write(self.style.WARNING(
                f"  the same picture in two classes, left out: {' = '.join(group)}"))
        for kind, names in report.get("not_images", {}).items():
            self.stdout.write(f"  skipped, not a photo ({kind}): {', '.join(names)}")
        if competition.invite_code:
            self.stdout.write(f"  invite code: {competition.invite_code}")


def _opened(path: Path):
    """The zip itself, or a folder zipped in memory on the fly (stored, not compressed:
    the images are compressed already). Symbolic links in the folder are refused, as in
    a zip."""
    if path.is_file():
        return path.open("rb")
    if not path.is_dir():
        raise CommandError(f"{path} is neither a folder nor a zip.")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for item in sorted(path.rglob("*")):
            relative = item.relative_to(path).as_posix()
            if item.is_symlink():
                raise CommandError(BuildRefused("symlink", name=relative).message())
            if item.is_file():
                archive.write(item, relative)
    buffer.seek(0)
    return buffer
