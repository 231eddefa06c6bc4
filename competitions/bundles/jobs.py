"""Bundle imports in the background: the request stores the bundle (or names the
competition to copy) and queues a BundleImport; the worker runs bundle_import.

`import_request` checks at once what can be checked cheaply (the address, the dates, the
zip's directory and manifest), so that most refusals come back on the form with nothing
stored. `rerun_request` is *Run again*: the worker exports the competition and imports it
straight back under the new address and dates. `import_run` is the worker's side; like a
community build it is idempotent, survives a worker that dies, and leaves nothing
half-made behind.
"""

import logging
import tempfile
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .. import policy
from ..builder.service import slug_taken
from ..models import BundleImport, Competition
from ..models.build import Superseded
from ..models.bundle_import import MAX_IMPORT_ATTEMPTS
from ..storage import private_storage
from .export import bundle_export
from .importer import Hooks, bundle_import, bundle_precheck, check_request
from .manifest import BundleRefused

logger = logging.getLogger(__name__)
SLUG_LENGTH = Competition._meta.get_field("slug").max_length


def import_request(*, user, upload: UploadedFile, slug: str, start_at: datetime,
                   end_at: datetime | None, title: str = "") -> BundleImport:
    """Store the uploaded bundle and a queued import; the worker imports it after commit."""
    _check_address(slug, start_at, end_at)
    bundle_precheck(upload)
    upload.seek(0)
    job = BundleImport(kind=BundleImport.Kind.UPLOAD, requested_by=user, slug=slug,
                       title=title, start_at=start_at, end_at=end_at,
                       upload_name=upload.name[:255], upload_size=upload.size)
    job.upload.save("bundle.zip", upload, save=False)
    try:
        return _queue(job)
    except BaseException:
        private_storage().delete(job.upload.name)
        raise


def rerun_request(*, user, source: Competition, slug: str, start_at: datetime,
                  end_at: datetime | None, title: str = "") -> BundleImport:
    """Queue *Run again*: `source` copied into a new unpublished competition. The bundle
    holds the hidden solution: the policy decides here, and again when it runs."""
    policy.bundle_export_required(user, source)
    _check_address(slug, start_at, end_at)
    return _queue(BundleImport(kind=BundleImport.Kind.RERUN, requested_by=user,
                               source=source, slug=slug, title=title, start_at=start_at,
                               end_at=end_at))


def _check_address(slug: str, start_at: datetime, end_at: datetime | None) -> None:
    check_request(slug, start_at, end_at)
    if slug_taken(slug):  # promised to a build or an import under way
        raise BundleRefused("slug_taken", slug=slug)


def _queue(job: BundleImport) -> BundleImport:
    try:
        with transaction.atomic():
            job.save()
            transaction.on_commit(lambda: enqueue_import(job.pk))
    except IntegrityError:
        # Another import for this address got there first.
        raise BundleRefused("slug_taken", slug=job.slug) from None
    return job


def enqueue_import(job_id: int) -> None:
    """Send the import task; if the broker is down the sweeper sends it later."""
    from ..tasks import import_bundle_task

    try:
        import_bundle_task.delay(job_id)
    except Exception:
        logger.exception("Could not queue bundle import %s; it stays queued", job_id)


def rerun_defaults(source: Competition) -> dict:
    """*Run again*'s suggestions: the same title, the same dates a year later, and the
    address with that year (or a free variant of it)."""
    start = _a_year_later(source.start_at) if source.start_at else timezone.now()
    end = _a_year_later(source.end_at) if source.end_at else None
    year, number = timezone.localtime(start).year, 1
    slug = _with_tail(source.slug, f"-{year}")
    while slug_taken(slug):
        number += 1
        slug = _with_tail(source.slug, f"-{year}-{number}")
    return {"slug": slug, "title": source.title, "start_at": start, "end_at": end}


def _with_tail(slug: str, tail: str) -> str:
    """`slug` cut to leave room for `tail` within a slug's 50 characters (the form's and
    the model's limit); a hyphen the cut leaves at the end goes, or it would double."""
    return slug[:SLUG_LENGTH - len(tail)].rstrip("-") + tail


def _a_year_later(moment: datetime) -> datetime:
    try:
        return moment.replace(year=moment.year + 1)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + 1, day=28)


def import_run(*, job_id: int) -> str:
    """Run one queued import. Idempotent: a second message for the same import finds it
    claimed or finished and does nothing."""
    job = BundleImport.objects.filter(pk=job_id).first()
    if job is None or not job.claim():
        return "skipped"
    try:
        if job.pending_files:
            # A worker died in the middle of writing: its files go before anything else.
            _delete_files(job.pending_files)
            job.record_pending_files([])
        if job.attempts > MAX_IMPORT_ATTEMPTS:
            return _fail(job, BundleRefused("internal_error"))
        try:
            _import(job)
        except Superseded:
            raise
        except BundleRefused as refusal:
            return _fail(job, refusal)
        except SoftTimeLimitExceeded:
            return _fail(job, BundleRefused("too_slow",
                                            seconds=settings.BUNDLE_IMPORT_TIME_LIMIT))
        except Exception:
            if not job.is_current():
                raise Superseded(job.pk) from None
            logger.exception("Bundle import %s failed", job.pk)
            return _fail(job, BundleRefused("internal_error"))
    except Superseded:
        logger.warning("Bundle import %s: attempt %s was taken over by a later run and "
                       "stopped", job.pk, job.attempts)
        return "superseded"
    _delete_upload(job)
    logger.info("Bundle import %s: competition %s", job.pk, job.slug)
    return BundleImport.Status.DONE


def _import(job: BundleImport) -> None:
    # mark_done runs inside the import's transaction: a run taken over rolls back.
    hooks = Hooks(progress=job.record_progress, record_names=job.record_pending_files,
                  on_created=job.mark_done)
    options = {"slug": job.slug, "start_at": job.start_at, "end_at": job.end_at,
               "user": job.requested_by, "title": job.title, "hooks": hooks}
    if job.kind == BundleImport.Kind.UPLOAD:
        # The requester may have lost the admin's door while the import waited: the
        # policy decides again now, as for *Run again* below.
        if not policy.may_import_bundle(job.requested_by):
            raise BundleRefused("may_not_import")
        with job.upload.open("rb") as handle:
            bundle_import(handle, **options)
        return
    source = job.source
    # The requester may have lost the competition, or the admin's door, since it was
    # queued: the solution stays with those the policy lets copy it.
    if not policy.may_import_bundle(job.requested_by):
        raise BundleRefused("may_not_import")
    if source is None or not policy.organizes(job.requested_by, source):
        raise BundleRefused("source_gone")
    job.record_progress(BundleImport.Stage.EXPORTING, 0, 1)
    with tempfile.TemporaryFile() as spool:
        bundle_export(source, spool)
        spool.seek(0)
        bundle_import(spool, **options)


def _fail(job: BundleImport, refusal: BundleRefused) -> str:
    job.mark_failed(refusal)  # Superseded if another run holds the import
    _delete_upload(job)
    return BundleImport.Status.FAILED


def _delete_upload(job: BundleImport) -> None:
    """Only by the run that finished the import (the bundle is every run's input)."""
    if job.upload:
        job.upload.storage.delete(job.upload.name)
        job.upload = ""
        BundleImport.objects.filter(pk=job.pk).update(upload="")


def _delete_files(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        storage.delete(name)


def imports_requeue_stuck(*, older_than_seconds: int | None = None) -> int:
    """Send again imports whose message was lost (queued for
    BUNDLE_IMPORT_RESEND_QUEUED_AFTER_SECONDS) or whose worker died (running past the time
    limit; the claim lets the new run take over). `older_than_seconds` replaces both."""
    now = timezone.now()
    queued_for = running_for = older_than_seconds
    if older_than_seconds is None:
        # A queued import waits for nothing but a worker: resent soon (a duplicate message
        # finds it claimed and does nothing). A running one may be working for the limit.
        queued_for = settings.BUNDLE_IMPORT_RESEND_QUEUED_AFTER_SECONDS
        running_for = settings.BUNDLE_IMPORT_REQUEUE_AFTER_SECONDS
    stuck = BundleImport.objects.filter(
        Q(status=BundleImport.Status.QUEUED, queued_at__lt=now - timedelta(seconds=queued_for))
        | Q(status=BundleImport.Status.RUNNING,
            started_at__lt=now - timedelta(seconds=running_for)))
    count = 0
    for job in stuck:
        job.mark_requeued()
        enqueue_import(job.pk)
        count += 1
    if count:
        logger.warning("Requeued %s stuck bundle import(s)", count)
    return count
