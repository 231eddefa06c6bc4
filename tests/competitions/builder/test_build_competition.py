"""A zip of labelled images becomes a competition that works like Hiragana-20."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from competitions.models import Competition, CompetitionBuild, Submission
from competitions.services import join_competition, submission_create
from competitions.tasks import score_submission_task
from tests.conftest import upload
from tests.imagezips import (
    JAPANESE_CLASSES,
    SOURCE_MARKER,
    cp932_zip,
    csv_zip,
    folder_entries,
    folder_zip,
    gps_exif,
    image_bytes,
    make_zip,
    named_zip,
    stored_files,
)


def download(client, competition, name) -> bytes:
    response = client.get(reverse("data_file_download", args=[competition.slug, name]))
    assert response.status_code == 200, name
    return b"".join(response.streaming_content)


def solution_rows(competition) -> list[dict]:
    with competition.solution_file.open("rb") as handle:
        return list(csv.DictReader(io.StringIO(handle.read().decode())))


@pytest.mark.parametrize("layout", ["folders", "labels.csv", "Shift_JIS folders"])
def test_a_zip_becomes_a_competition_that_can_be_joined_downloaded_submitted_and_scored(
        client, build, alice, bob, layout):
    data = {"folders": folder_zip(JAPANESE_CLASSES, 10), "labels.csv": csv_zip(per_class=10),
            "Shift_JIS folders": cp932_zip(folder_entries(JAPANESE_CLASSES, 10))}[layout]
    done = build(alice, data)
    assert done.status == CompetitionBuild.Status.DONE, done.error_message()
    competition = done.competition
    assert competition.host == alice
    expected = sorted(JAPANESE_CLASSES) if "folders" in layout else ["dangomushi",
                                                                       "warajimushi"]
    assert competition.labels == expected

    join_competition(competition=competition, user=bob)
    client.force_login(bob)
    names = [f.name for f in competition.data_files.all()]
    assert names == ["train.zip", "test.zip", "train.csv", "labels.csv", "sample_submission.csv"]
    labels_csv = download(client, competition, "labels.csv").decode()
    assert labels_csv == "label\n" + "".join(f"{label}\n" for label in expected)
    train_csv = list(csv.DictReader(io.StringIO(download(client, competition, "train.csv")
                                                .decode())))
    train_zip = zipfile.ZipFile(io.BytesIO(download(client, competition, "train.zip")))
    assert sorted(train_zip.namelist()) == sorted(row["id"] for row in train_csv)
    test_zip = zipfile.ZipFile(io.BytesIO(download(client, competition, "test.zip")))
    sample = download(client, competition, "sample_submission.csv")
    sample_ids = [line.split(",")[0] for line in sample.decode().splitlines()[1:]]
    assert sorted(test_zip.namelist()) == sorted(sample_ids)
    assert len(train_csv) + len(sample_ids) == 10 * len(expected)

    # Bob's "model" is perfect: he answers with the hidden labels.
    answers = {row["id"]: row["label"] for row in solution_rows(competition)}
    perfect = "id,label\n" + "".join(f"{id_},{answers[id_]}\n" for id_ in sample_ids)
    for content, score in ((sample, None), (perfect.encode(), 1.0)):
        submission = submission_create(competition=competition, user=bob, file=upload(content))
        assert score_submission_task(submission.pk) == "scored"
        submission.refresh_from_db()
        assert submission.status == Submission.Status.SCORED
        if score is not None:
            assert submission.public_score == score and submission.private_score == score
    page = client.get(reverse("leaderboard", args=[competition.slug])).content.decode()
    assert "1.00000" in page


def test_the_splits_are_stratified_and_the_counts_shown(client, build, alice):
    done = build(alice, folder_zip(["a", "b"], 20), test_fraction=0.25, public_fraction=0.4)
    competition = done.competition
    usages = [(row["label"], row["usage"]) for row in solution_rows(competition)]
    assert sorted(usages).count(("a", "Public")) == 2 and usages.count(("a", "Private")) == 3
    assert competition.solution_public_rows == 4 and competition.solution_private_rows == 6
    assert competition.class_counts == [{"label": "a", "train": 15}, {"label": "b", "train": 15}]
    client.force_login(alice)
    page = client.get(reverse("competition_data", args=[competition.slug])).content.decode()
    assert 'data-testid="class-counts"' in page and "10 test images." in page
    assert competition.gallery_images.count() == 12


def test_test_file_names_are_opaque_and_no_source_name_reaches_participants(
        client, build, alice, bob):
    competition = build(alice, named_zip()).competition
    join_competition(competition=competition, user=bob)
    client.force_login(bob)
    test_zip = zipfile.ZipFile(io.BytesIO(download(client, competition, "test.zip")))
    for info in test_zip.infolist():
        assert len(info.filename) == 20 and info.filename.endswith(".jpg")
        int(info.filename[:16], 16)
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
    for name in ("train.zip", "test.zip", "train.csv", "sample_submission.csv"):
        content = download(client, competition, name)
        assert SOURCE_MARKER.encode() not in content
    sample = download(client, competition, "sample_submission.csv").decode().splitlines()
    assert {line.split(",")[1] for line in sample[1:]} == {competition.labels[0]}


def test_exif_gps_positions_never_reach_the_downloads(client, build, alice, bob):
    entries = {f"{label}/{n}.jpg": image_bytes(i * 20 + n, "JPEG", exif=gps_exif())
               for i, label in enumerate(["a", "b"]) for n in range(8)}
    competition = build(alice, make_zip(entries)).competition
    join_competition(competition=competition, user=bob)
    client.force_login(bob)
    for name in ("train.zip", "test.zip"):
        assert b"KompeCam" not in download(client, competition, name)


def test_duplicates_are_kept_once_and_reported_to_the_host(client, build, alice):
    entries = folder_entries(["a", "b"], 8)
    entries["a/copy_of_a0.png"] = entries["a/a_000.png"]
    entries["b/a_in_b.png"] = entries["a/a_001.png"]
    done = build(alice, make_zip(entries))
    assert done.report["duplicates"] == [["a/a_000.png", "a/copy_of_a0.png"]]
    assert done.report["conflicts"] == [["a/a_001.png", "b/a_in_b.png"]]
    assert sum(row["train"] + row["public"] + row["private"]
               for row in done.report["classes"]) == 15
    client.force_login(alice)
    page = client.get(reverse("build_status", args=[done.pk])).content.decode()
    assert "a/a_000.png = a/copy_of_a0.png" in page
    assert "b/a_in_b.png" in page


def test_images_are_shrunk_to_the_maximum_side(client, build, alice):
    entries = {f"{label}/{n}.jpg": image_bytes(i * 20 + n, "JPEG", size=(300, 150))
               for i, label in enumerate(["a", "b"]) for n in range(6)}
    competition = build(alice, make_zip(entries), max_side=64).competition
    with competition.data_files.get(name="train.zip").file.open("rb") as handle:
        archive = zipfile.ZipFile(handle)
        from PIL import Image

        image = Image.open(io.BytesIO(archive.read(archive.namelist()[0])))
        assert image.size == (64, 32)


def test_the_uploaded_zip_is_deleted_once_built(build, alice):
    before = stored_files()
    done = build(alice, folder_zip())
    assert not done.upload
    assert not any(name.startswith("builds/") for name in stored_files() - before)


def test_a_failure_after_the_files_are_written_leaves_nothing(build, alice, monkeypatch):
    from competitions.builder import publish

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(publish, "_create_rows", broken)
    before = stored_files()
    done = build(alice, folder_zip())
    assert done.status == CompetitionBuild.Status.FAILED
    assert done.error_message().startswith("The competition could not be built because of an "
                                           "error on our side")
    assert stored_files() == before
    assert not Competition.objects.exists()


def test_a_build_taken_over_from_a_dead_worker_deletes_its_files_first(alice, build):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from competitions.builder.service import build_run
    from competitions.storage import private_storage

    done = build(alice, folder_zip())
    storage = private_storage()
    leftover = storage.save("competitions/other/data/leftover.zip", ContentFile(b"half"))
    second = CompetitionBuild.objects.create(
        host=alice, slug="second", title="Second", upload_name="x.zip",
        status=CompetitionBuild.Status.RUNNING, attempts=1, pending_files=[leftover],
        started_at=timezone.now() - timedelta(hours=1))
    second.upload.save("x.zip", ContentFile(folder_zip()))
    assert build_run(build_id=second.pk) == "done"
    assert not storage.exists(leftover)
    assert done.competition.slug == "bugs"
    assert Competition.objects.get(slug="second").labels == ["dangomushi", "warajimushi"]


def test_a_second_message_for_a_finished_build_changes_nothing(build, alice):
    from competitions.builder.service import build_run

    done = build(alice, folder_zip())
    assert build_run(build_id=done.pk) == "skipped"
    assert Competition.objects.count() == 1
