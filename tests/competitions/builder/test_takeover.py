"""A run believed dead may still be alive: the run that takes the build over wins, and the
old one stops at its next step without changing the build, its files or the competition.
The time limit holds on every Celery pool, checked between images."""

from datetime import timedelta

import pytest
from django.utils import timezone

from competitions.builder import service
from competitions.models import Competition, CompetitionBuild
from tests.imagezips import folder_zip, stored_files, zip_upload


@pytest.fixture
def scratch(settings, tmp_path):
    settings.COMMUNITY_BUILD_SCRATCH_DIR = tmp_path / "builds"
    return settings.COMMUNITY_BUILD_SCRATCH_DIR


@pytest.fixture
def queued(alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return service.build_request(host=alice, upload=zip_upload(folder_zip(per_class=15)),
                                     slug="bugs", title="Bugs")


def competition_files(competition: Competition) -> set[str]:
    return ({data_file.file.name for data_file in competition.data_files.all()}
            | {competition.solution_file.name}
            | {image.image.name for image in competition.gallery_images.all()})


def take_over(build_id: int) -> str:
    """What the sweeper and a second worker do once the first run looks dead: the build's
    start moves past the limit and a new run claims it (here it runs to its end)."""
    CompetitionBuild.objects.filter(pk=build_id).update(
        started_at=timezone.now() - timedelta(hours=1))
    return service.build_run(build_id=build_id)


def hook(monkeypatch, method: str, when) -> list[str]:
    """Take the build over from inside the first run, right after `method` succeeded
    once with arguments that `when` accepts; the new run's result is returned in a list."""
    original = getattr(CompetitionBuild, method)
    results: list[str] = []

    def hooked(self, value):
        original(self, value)
        if not results and self.attempts == 1 and when(value):
            results.append(take_over(self.pk))

    monkeypatch.setattr(CompetitionBuild, method, hooked)
    return results


@pytest.mark.parametrize("moment", ["while reading images", "after naming its files"])
def test_a_run_taken_over_while_still_alive_stops_and_changes_nothing(
        monkeypatch, scratch, queued, moment):
    before = stored_files()
    if moment == "while reading images":
        second = hook(monkeypatch, "record_progress",
                      lambda progress: progress.stage == "images" and progress.images_done)
    else:
        second = hook(monkeypatch, "record_pending_files", bool)

    first = service.build_run(build_id=queued.pk)

    assert (first, second) == ("superseded", ["done"])
    build = CompetitionBuild.objects.get(pk=queued.pk)
    assert build.status == CompetitionBuild.Status.DONE and build.attempts == 2
    assert build.pending_files == [] and not build.refusal and not build.upload
    competition = Competition.objects.get()
    assert build.competition == competition
    # The old run's files are gone (it deleted its own), the new run's are all there.
    assert stored_files() - before == competition_files(competition)
    assert not (scratch / str(build.pk)).exists()


def test_a_superseded_failure_does_not_mark_the_build_failed(monkeypatch, scratch, queued):
    from competitions.builder.refusals import BuildRefused
    from competitions.models.build import Superseded

    build = CompetitionBuild.objects.get(pk=queued.pk)
    assert build.claim()
    CompetitionBuild.objects.filter(pk=build.pk).update(attempts=2)  # a later run holds it
    with pytest.raises(Superseded):
        build.mark_failed(BuildRefused("internal_error"))
    build.refresh_from_db()
    assert build.status == CompetitionBuild.Status.RUNNING and not build.refusal


def test_a_build_past_its_time_limit_stops_between_images_on_any_pool(settings, scratch,
                                                                     queued):
    before = stored_files()
    settings.COMMUNITY_BUILD_TIME_LIMIT = 0
    assert service.build_run(build_id=queued.pk) == "failed"
    build = CompetitionBuild.objects.get(pk=queued.pk)
    assert build.refusal == {"code": "too_slow", "params": {"seconds": 0}}
    assert build.error_message().startswith("Building took longer than 0 seconds")
    assert not Competition.objects.exists()
    assert not (stored_files() - before)
    assert not (scratch / str(build.pk)).exists()


def test_a_claim_removes_what_a_killed_run_left_in_the_scratch_folder(scratch, queued):
    leftover = scratch / str(queued.pk) / "1" / "images"
    leftover.mkdir(parents=True)
    (leftover / "0.png").write_bytes(b"half")
    assert service.build_run(build_id=queued.pk) == "done"
    assert not (scratch / str(queued.pk)).exists()
