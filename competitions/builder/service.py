"""Community builds: a signed-in user's zip becomes a competition in the background.

`build_request` checks what can be checked at once (size, the zip's directory, classes,
labels.csv) so that most refusals come back on the form with nothing stored; it stores
the zip and queues the build after commit. `build_run` is the worker's side.
"""

import logging
import shutil
from contextlib import suppress
from datetime import timedelta
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from .. import policy
from ..events import announce, build_finished
from ..models import BundleImport, Competition, CompetitionBuild, Visibility
from ..models.build import MAX_BUILD_ATTEMPTS, Superseded
from .archive import Archive
from .build import BuildOptions, Deadline, build_dataset
from .layout import inventory
from .limits import Limits
from .publish import CompetitionDetails, delete_files, publish
from .refusals import BuildRefused

logger = logging.getLogger(__name__)


def check_zip(handle, *, limits: Limits, display_name: str = "zip") -> None:
    """The quick checks, without decoding a single image: BuildRefused or nothing."""
    with Archive(handle, limits, display_name) as archive:
        inventory(archive, limits)


def check_host(*, user, slug: str, organizer_run: bool = False) -> None:
    """Refusals that depend on who asks and on the address, not on the zip. Organizers
    building in the admin host nothing: the community limit of hosted competitions is
    not theirs."""
    if CompetitionBuild.objects.filter(host=user, status__in=CompetitionBuild.ACTIVE).exists():
        raise BuildRefused("build_in_progress")
    hosted = Competition.objects.filter(host=user).count()
    if not organizer_run and hosted >= settings.COMMUNITY_MAX_COMPETITIONS_PER_USER:
        raise BuildRefused("too_many_competitions", count=hosted)
    if slug_taken(slug):
        raise BuildRefused("slug_taken", slug=slug)


def slug_taken(slug: str) -> bool:
    """Taken by a competition, or promised to a build or a bundle import under way."""
    return (Competition.objects.filter(slug=slug).exists()
            or CompetitionBuild.objects.filter(slug=slug,
                                               status__in=CompetitionBuild.ACTIVE).exists()
            or BundleImport.objects.filter(slug=slug,
                                           status__in=BundleImport.ACTIVE).exists())


def build_request(*, host, upload: UploadedFile, slug: str, title: str,
                  short_description: str = "", visibility: str = Visibility.PUBLIC,
                  test_fraction: float = 0.2, public_fraction: float = 0.3,
                  max_side: int | None = None,
                  fixed_side: int | None = None, keep_split: bool = False,
                  organizer_run: bool = False) -> CompetitionBuild:
    """Store the zip and a queued build; the worker builds it after commit.
    `organizer_run`: asked in the admin by an organizer (see CompetitionBuild)."""
    limits = Limits.from_settings()
    if upload.size > limits.max_zip_bytes:
        raise BuildRefused("zip_too_large", size=filesizeformat(upload.size),
                           limit=filesizeformat(limits.max_zip_bytes))
    check_host(user=host, slug=slug, organizer_run=organizer_run)
    check_zip(upload, limits=limits, display_name=upload.name)
    upload.seek(0)
    build = CompetitionBuild(host=host, slug=slug, title=title,
                             short_description=short_description, visibility=visibility,
                             test_fraction=test_fraction, public_fraction=public_fraction,
                             max_side=max_side, fixed_side=fixed_side,
                             keep_split=keep_split, organizer_run=organizer_run,
                             upload_name=upload.name[:255],
                             upload_size=upload.size)
    build.upload.save("upload.zip", upload, save=False)
    try:
        with transaction.atomic():
            build.save()
            transaction.on_commit(lambda: enqueue_build(build.pk))
    except IntegrityError:
        # Another request of this user, or for this address, got there first.
        build.upload.storage.delete(build.upload.name)
        raise BuildRefused("build_in_progress") from None
    except BaseException:
        build.upload.storage.delete(build.upload.name)
        raise
    return build


def enqueue_build(build_id: int) -> None:
    """Send the build task; if the broker is down the sweeper sends it later."""
    from ..tasks import build_competition_task

    try:
        build_competition_task.delay(build_id)
    except Exception:
        logger.exception("Could not queue build %s; it stays queued", build_id)


def build_run(*, build_id: int) -> str:
    """Build one queued competition. Idempotent: a second message for the same build
    finds it claimed or finished and does nothing; a run that a later one took over (its
    worker was believed dead) stops at its next step and changes nothing."""
    build = CompetitionBuild.objects.filter(pk=build_id).first()
    if build is None or not build.claim():
        return "skipped"
    # The time limit is checked between images, not left to Celery alone: the threads
    # pool (rundemo) ignores soft and hard limits.
    deadline = Deadline.after(settings.COMMUNITY_BUILD_TIME_LIMIT)
    # Whatever earlier runs left in the scratch folder goes; a run still alive there
    # fails its next write and finds itself superseded.
    shutil.rmtree(scratch_root(build.pk), ignore_errors=True)
    folder = scratch_root(build.pk) / str(build.attempts)
    try:
        if build.pending_files:
            # A worker died in the middle of writing: its files go before anything else.
            delete_files(build.pending_files)
            build.record_pending_files([])
        if build.attempts > MAX_BUILD_ATTEMPTS:
            return _fail(build, BuildRefused("internal_error"))
        folder.mkdir(parents=True)
        try:
            competition = _build(build, folder, deadline)
        except Superseded:
            raise
        except BuildRefused as refusal:
            return _fail(build, refusal)
        except SoftTimeLimitExceeded:
            return _fail(build, BuildRefused("too_slow",
                                             seconds=settings.COMMUNITY_BUILD_TIME_LIMIT))
        except Exception:
            if not build.is_current():
                raise Superseded(build.pk) from None  # its scratch folder was taken away
            logger.exception("Build %s failed", build.pk)
            return _fail(build, BuildRefused("internal_error"))
    except Superseded:
        logger.warning("Build %s: attempt %s was taken over by a later run and stopped",
                       build.pk, build.attempts)
        return "superseded"
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        with suppress(OSError):  # not empty: a later run works there
            folder.parent.rmdir()
    _delete_upload(build)
    logger.info("Build %s: competition %s", build.pk, competition.slug)
    announce(build_finished, CompetitionBuild, build=build)
    return CompetitionBuild.Status.DONE


def scratch_root(build_id: int) -> Path:
    """Where the runs of a build unpack and write: one folder per attempt inside, so that
    a superseded run removing its own folder never removes the new run's."""
    return Path(settings.COMMUNITY_BUILD_SCRATCH_DIR) / str(build_id)


def _build(build: CompetitionBuild, folder: Path, deadline: Deadline) -> Competition:
    options = BuildOptions(test_fraction=build.test_fraction,
                           public_fraction=build.public_fraction, max_side=build.max_side,
                           fixed_side=build.fixed_side, keep_split=build.keep_split)
    with build.upload.open("rb") as handle:
        dataset = build_dataset(handle, folder=folder, options=options,
                                limits=Limits.from_settings(),
                                display_name=build.upload_name,
                                progress=build.record_progress, deadline=deadline)
    deadline.check()
    details = CompetitionDetails(slug=build.slug, title=build.title,
                                 short_description=build.short_description,
                                 host=None if build.organizer_run else build.host,
                                 visibility=build.visibility,
                                 is_published=not build.organizer_run)

    def created(competition: Competition) -> None:
        build.mark_done(competition, dataset.report)
        if build.organizer_run:
            policy.make_organizer(build.host, competition)

    return publish(dataset=dataset, details=details,
                   record_names=build.record_pending_files, on_created=created)


def _fail(build: CompetitionBuild, refusal: BuildRefused) -> str:
    build.mark_failed(refusal)  # Superseded if another run holds the build
    _delete_upload(build)
    announce(build_finished, CompetitionBuild, build=build)
    return CompetitionBuild.Status.FAILED


def _delete_upload(build: CompetitionBuild) -> None:
    """Only by the run that finished the build (the zip is every run's input)."""
    if build.upload:
        build.upload.storage.delete(build.upload.name)
        build.upload = ""
        CompetitionBuild.objects.filter(pk=build.pk).update(upload="")


def builds_requeue_stuck(*, older_than_seconds: int | None = None) -> int:
    """Send again builds whose message was lost (queued too long) or whose worker died
    (running past the time limit; the claim lets the new run take over)."""
    if older_than_seconds is None:
        older_than_seconds = settings.COMMUNITY_BUILD_REQUEUE_AFTER_SECONDS
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    stuck = CompetitionBuild.objects.filter(
        Q(status=CompetitionBuild.Status.QUEUED, queued_at__lt=cutoff)
        | Q(status=CompetitionBuild.Status.RUNNING, started_at__lt=cutoff))
    count = 0
    for build in stuck:
        build.mark_requeued()
        enqueue_build(build.pk)
        count += 1
    if count:
        logger.warning("Requeued %s stuck build(s)", count)
    return count
