"""Bundle imports in the background: the admin queues them, the worker imports, a page
follows them; *Run again* copies a competition into next term's draft the same way."""

import io
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections, transaction
from django.urls import reverse
from django.utils import timezone

from competitions import policy
from competitions.admin_bundle_views import RerunForm
from competitions.bundles import bundle_export, importer
from competitions.bundles.jobs import (
    import_request,
    import_run,
    imports_requeue_stuck,
    rerun_defaults,
    rerun_request,
)
from competitions.bundles.manifest import BundleRefused
from competitions.models import BundleImport, Competition
from competitions.storage import private_storage
from competitions.tasks import import_bundle_task, score_submission_task
from tests.competitions.test_bundles import manifest_changed, rewritten
from tests.conftest import TRUE_LABELS, submission_csv
from tests.factories import make_submission
from tests.imagezips import stored_files

START = timezone.make_aware(datetime(2027, 4, 1, 9, 0))
END = timezone.make_aware(datetime(2027, 6, 1, 9, 0))
DATES = {"start_at_0": "2027-04-01", "start_at_1": "09:00", "end_at_0": "2027-06-01",
         "end_at_1": "09:00"}


@pytest.fixture
def teacher(make_user, competition):
    user = make_user("teacher-sato", is_staff=True)
    policy.make_organizer(user, competition)
    return user


def bundle_of(competition) -> bytes:
    buffer = io.BytesIO()
    bundle_export(competition, buffer)
    return buffer.getvalue()


def queued_import(client, django_capture_on_commit_callbacks, bundle: bytes, **fields):
    """Post the import form; the response, and the messages queued after commit."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("admin:competitions_competition_import"), {
            "bundle": SimpleUploadedFile("term1.zip", bundle), "slug": "animals-2027",
            **DATES, **fields})
    return response, callbacks


def status_page(client, job, language="en") -> str:
    response = client.get(reverse("admin:competitions_competition_import_status",
                                  args=[job.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_an_uploaded_bundle_is_queued_then_imported_by_the_worker_as_an_unpublished_draft(
        client, competition, teacher, django_capture_on_commit_callbacks):
    client.force_login(teacher)
    response, callbacks = queued_import(client, django_capture_on_commit_callbacks,
                                        bundle_of(competition), title="Animals 2027")
    job = BundleImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:competitions_competition_import_status",
                                           args=[job.pk])
    assert len(callbacks) == 1 and not Competition.objects.filter(slug="animals-2027").exists()
    assert job.status == BundleImport.Status.QUEUED and job.upload
    assert 'http-equiv="refresh"' in status_page(client, job)

    assert import_bundle_task(job.pk) == BundleImport.Status.DONE
    job.refresh_from_db()
    copy = Competition.objects.get(slug="animals-2027")
    assert job.competition == copy and job.status == BundleImport.Status.DONE
    assert not copy.is_published and copy.title == "Animals 2027" and copy.start_at == START
    assert policy.organizes(teacher, copy)
    assert copy.solution_private_rows == competition.solution_private_rows
    assert not job.upload and not any(name.startswith("bundles/") for name in stored_files())
    page = status_page(client, job)
    assert 'http-equiv="refresh"' not in page
    assert reverse("admin:competitions_competition_change", args=[copy.pk]) in page
    assert "unpublished" in page


def test_a_second_message_for_a_finished_import_changes_nothing(
        competition, teacher, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = import_request(user=teacher, upload=SimpleUploadedFile(
            "b.zip", bundle_of(competition)), slug="again", start_at=START, end_at=END)
    assert import_run(job_id=job.pk) == BundleImport.Status.DONE
    assert import_run(job_id=job.pk) == "skipped"
    assert Competition.objects.filter(slug="again").count() == 1


def test_a_bundle_the_worker_refuses_shows_why_in_both_languages_and_keeps_nothing(
        client, competition, teacher, django_capture_on_commit_callbacks):
    files_before = stored_files()
    damaged = rewritten(bundle_of(competition),
                        lambda name, data: data + b"x" if name.startswith("data/") else data)
    client.force_login(teacher)
    response, _ = queued_import(client, django_capture_on_commit_callbacks,
                                damaged.getvalue())
    assert response.status_code == 302  # the quick checks pass: the checksums are the worker's
    job = BundleImport.objects.get()
    assert import_bundle_task(job.pk) == BundleImport.Status.FAILED
    job.refresh_from_db()
    assert job.refusal["code"] == "damaged_file" and job.competition is None
    assert not Competition.objects.filter(slug="animals-2027").exists()
    assert stored_files() == files_before
    assert "is damaged: its checksum differs" in status_page(client, job)
    assert "チェックサム" in status_page(client, job, "ja")


def test_a_file_that_is_not_a_bundle_is_refused_on_the_form_and_nothing_is_queued(
        client, competition, teacher, django_capture_on_commit_callbacks):
    files_before = stored_files()
    client.force_login(teacher)
    response, callbacks = queued_import(client, django_capture_on_commit_callbacks,
                                        b"nonsense")
    assert response.status_code == 400
    assert "The bundle is not a zip archive." in response.content.decode()
    wrong = rewritten(bundle_of(competition), manifest_changed(lambda m: m.update(version=9)))
    response, more = queued_import(client, django_capture_on_commit_callbacks,
                                   wrong.getvalue())
    assert response.status_code == 400 and "of a version this site reads" in (
        response.content.decode())
    assert not callbacks and not more and not BundleImport.objects.exists()
    assert stored_files() == files_before


def test_an_address_promised_to_an_import_under_way_cannot_be_given_twice(
        client, competition, teacher, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        import_request(user=teacher, upload=SimpleUploadedFile("b.zip", bundle_of(competition)),
                       slug="animals-2027", start_at=START, end_at=END)
    with pytest.raises(BundleRefused) as refused:
        rerun_request(user=teacher, source=competition, slug="animals-2027", start_at=START,
                      end_at=END)
    assert refused.value.code == "slug_taken"
    client.force_login(teacher)
    response, _ = queued_import(client, django_capture_on_commit_callbacks,
                                bundle_of(competition))
    assert response.status_code == 400 and "already taken" in response.content.decode()


def test_a_run_taking_over_from_a_worker_that_died_deletes_what_it_left_then_imports(
        competition, teacher, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = import_request(user=teacher, upload=SimpleUploadedFile(
            "b.zip", bundle_of(competition)), slug="again", start_at=START, end_at=END)
    left = private_storage().save("data/left-by-a-dead-worker.csv", io.BytesIO(b"half"))
    long_ago = timezone.now() - timedelta(hours=5)
    BundleImport.objects.filter(pk=job.pk).update(
        status=BundleImport.Status.RUNNING, attempts=1, started_at=long_ago,
        queued_at=long_ago, pending_files=[left])
    assert imports_requeue_stuck() == 1  # the message is sent again (the broker is left out)
    assert import_run(job_id=job.pk) == BundleImport.Status.DONE
    assert not private_storage().exists(left)
    assert Competition.objects.filter(slug="again").exists()


def test_run_again_suggests_next_year_and_copies_the_competition_into_a_draft(
        client, competition, teacher, alice_joined, django_capture_on_commit_callbacks):
    client.force_login(teacher)
    url = reverse("admin:competitions_competition_rerun", args=[competition.pk])
    change = client.get(reverse("admin:competitions_competition_change",
                                args=[competition.pk])).content.decode()
    assert url in change
    form = client.get(url)
    year = timezone.localtime(competition.start_at).year + 1
    suggested = form.context["form"].initial
    assert suggested["slug"] == f"animals-{year}" and suggested["title"] == competition.title
    assert suggested["start_at"].year == year
    start_day = timezone.localtime(suggested["start_at"]).date().isoformat()
    assert f'value="animals-{year}"' in form.content.decode()
    assert f'value="{start_day}"' in form.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(url, {"slug": "animals-next", "title": "Animals, term 2",
                                     **DATES})
    job = BundleImport.objects.get()
    assert response.status_code == 302 and job.kind == BundleImport.Kind.RERUN
    assert import_bundle_task(job.pk) == BundleImport.Status.DONE

    copy = Competition.objects.get(slug="animals-next")
    assert not copy.is_published and copy.title == "Animals, term 2"
    assert (copy.start_at, copy.end_at) == (START, END)
    assert copy.labels == competition.labels and copy.metric == competition.metric
    assert [f.name for f in copy.data_files.all()] == ["sample_submission.csv"]
    assert copy.solution_private_rows == competition.solution_private_rows
    assert not copy.participations.exists() and policy.organizes(teacher, copy)
    competition.refresh_from_db()
    assert competition.is_published and competition.participations.count() == 1
    assert "Animals, term 2 is ready" in status_page(client, job)


def test_run_again_refuses_dates_out_of_order_on_the_form(client, competition, teacher):
    client.force_login(teacher)
    response = client.post(reverse("admin:competitions_competition_rerun",
                                   args=[competition.pk]),
                           {"slug": "animals-next", "title": "x", **DATES,
                            "end_at_0": "2027-03-01"})
    assert response.status_code == 400
    assert "The end must come after the start." in response.content.decode()
    assert not BundleImport.objects.exists()


def test_run_again_copies_nothing_for_a_requester_who_no_longer_organizes_it(
        competition, teacher, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = rerun_request(user=teacher, source=competition, slug="animals-next",
                            start_at=START, end_at=END)
    competition.organizers.remove(teacher)
    assert import_run(job_id=job.pk) == BundleImport.Status.FAILED
    job.refresh_from_db()
    assert job.refusal["code"] == "source_gone"
    assert not Competition.objects.filter(slug="animals-next").exists()


def test_run_again_copies_nothing_for_a_requester_who_lost_the_admins_door_while_queued(
        competition, teacher, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = rerun_request(user=teacher, source=competition, slug="animals-next",
                            start_at=START, end_at=END)
    teacher.is_staff = False
    teacher.save()
    assert policy.organizes(teacher, competition)  # still listed, but no longer staff
    assert import_run(job_id=job.pk) == BundleImport.Status.FAILED
    job.refresh_from_db()
    assert job.refusal["code"] == "may_not_import"
    assert not Competition.objects.filter(slug="animals-next").exists()


def test_an_uploaded_bundle_imports_nothing_for_a_requester_who_lost_the_admins_door_while_queued(
        competition, teacher, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = import_request(user=teacher, upload=SimpleUploadedFile(
            "b.zip", bundle_of(competition)), slug="animals-next", start_at=START, end_at=END)
    teacher.is_staff = False
    teacher.save()
    assert import_run(job_id=job.pk) == BundleImport.Status.FAILED
    job.refresh_from_db()
    assert job.refusal["code"] == "may_not_import"
    assert "nothing was imported" in BundleRefused.from_dict(job.refusal).message()
    assert not Competition.objects.filter(slug="animals-next").exists()
    assert not job.upload  # the stored bundle is deleted with the refusal


def test_run_again_suggests_an_address_of_at_most_fifty_characters_even_when_one_is_taken(
        make_competition):
    source = make_competition(slug="a" * 44 + "-bbbbb")
    year = timezone.localtime(source.start_at).year + 1
    assert rerun_defaults(source)["slug"] == "a" * 44 + f"-{year}"  # no "--"
    make_competition(slug="a" * 44 + f"-{year}")
    suggested = rerun_defaults(source)["slug"]
    assert suggested == "a" * 43 + f"-{year}-2"
    form = RerunForm(data={"slug": suggested, "title": "t", "start_at_0": "2030-01-01",
                           "start_at_1": "09:00"})
    assert form.is_valid(), form.errors


def test_an_import_whose_message_was_lost_is_sent_again_after_two_minutes_not_half_an_hour(
        competition, teacher, django_capture_on_commit_callbacks, settings):
    with django_capture_on_commit_callbacks(execute=False):
        job = rerun_request(user=teacher, source=competition, slug="animals-next",
                            start_at=START, end_at=END)
    settings.BUNDLE_IMPORT_RESEND_QUEUED_AFTER_SECONDS = 120
    BundleImport.objects.filter(pk=job.pk).update(
        queued_at=timezone.now() - timedelta(seconds=100))
    assert imports_requeue_stuck() == 0
    BundleImport.objects.filter(pk=job.pk).update(
        queued_at=timezone.now() - timedelta(seconds=150))
    assert imports_requeue_stuck() == 1
    assert imports_requeue_stuck() == 0  # sent again: queued anew, it waits again
    # A run that old is still working: only the time limit's cutoff takes it over.
    BundleImport.objects.filter(pk=job.pk).update(
        status=BundleImport.Status.RUNNING, attempts=1,
        started_at=timezone.now() - timedelta(seconds=150))
    assert imports_requeue_stuck() == 0
    assert import_run(job_id=job.pk) == "skipped"


def _bundle_with_a_scored_submission(competition, participation) -> bytes:
    submission = make_submission(competition, participation, submission_csv(TRUE_LABELS))
    assert score_submission_task(submission.pk) == "scored"
    buffer = io.BytesIO()
    bundle_export(competition, buffer, with_submissions=True)
    return buffer.getvalue()


def _stage_seen_by_another_connection(job_id: int) -> str:
    """What the status page, on its own connection, reads of the import right now."""
    seen = []

    def read():
        try:
            seen.append(BundleImport.objects.get(pk=job_id).stage)
        finally:
            connections.close_all()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join(timeout=30)
    return seen[0]


def test_the_status_page_shows_the_scoring_stage_while_bundled_submissions_are_scored(
        transactional_db, competition, teacher, alice_joined, monkeypatch,
        django_capture_on_commit_callbacks):
    bundle = _bundle_with_a_scored_submission(competition, alice_joined)
    with django_capture_on_commit_callbacks(execute=False):
        job = import_request(user=teacher, upload=SimpleUploadedFile("b.zip", bundle),
                             slug="again", start_at=START, end_at=END)
    real_scores, seen = importer.competition_scores, []

    def scores_watched(competition, content):
        seen.append(_stage_seen_by_another_connection(job.pk))
        return real_scores(competition, content)

    monkeypatch.setattr(importer, "competition_scores", scores_watched)
    assert import_run(job_id=job.pk) == BundleImport.Status.DONE
    assert seen == [BundleImport.Stage.SCORING]
    job.refresh_from_db()
    assert job.submissions_checked == 1


def test_a_time_limit_striking_as_the_import_commits_keeps_the_new_competitions_files(
        transactional_db, competition, monkeypatch):
    real_atomic = transaction.atomic

    @contextmanager
    def atomic_then_time_limit():
        with real_atomic():
            yield
        raise SoftTimeLimitExceeded()  # after COMMIT, before the import returns

    monkeypatch.setattr(importer, "transaction", SimpleNamespace(
        atomic=atomic_then_time_limit, on_commit=transaction.on_commit))
    with pytest.raises(SoftTimeLimitExceeded):
        importer.bundle_import(io.BytesIO(bundle_of(competition)), slug="again",
                               start_at=START, end_at=END)
    copy = Competition.objects.get(slug="again")
    kept = [f.file.name for f in copy.data_files.all()] + [copy.solution_file.name]
    assert len(kept) == 2 and all(private_storage().exists(name) for name in kept)


def test_only_the_one_who_started_an_import_and_superusers_follow_it(
        client, competition, teacher, make_user, olivia, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        job = rerun_request(user=teacher, source=competition, slug="animals-next",
                            start_at=START, end_at=END)
    url = reverse("admin:competitions_competition_import_status", args=[job.pk])
    colleague = make_user("teacher-next", is_staff=True)
    policy.make_organizer(colleague, competition)
    client.force_login(colleague)
    assert client.get(url).status_code == 404
    client.force_login(olivia)  # a superuser
    assert client.get(url).status_code == 200


@pytest.mark.worker
def test_a_real_worker_runs_a_competition_again_and_the_status_page_links_the_draft(
        celery_worker_process, client, competition, teacher):
    import time

    job = rerun_request(user=teacher, source=competition, slug="animals-worker",
                        start_at=START, end_at=END)  # queued after commit, to the worker
    deadline = time.monotonic() + 60
    while job.is_pending and time.monotonic() < deadline:
        time.sleep(0.2)
        job.refresh_from_db()
    assert job.status == BundleImport.Status.DONE, job.refusal
    copy = Competition.objects.get(slug="animals-worker")
    assert not copy.is_published and policy.organizes(teacher, copy)
    client.force_login(teacher)
    assert reverse("admin:competitions_competition_change", args=[copy.pk]) in status_page(
        client, job)
