"""train/<class> + val|test/<class> zips (PyTorch's ImageFolder layout) become
competitions, merged and split anew or with the host's own split kept."""

import csv
import io

import pytest

from competitions.builder.archive import Archive
from competitions.builder.layout import inventory
from competitions.builder.limits import Limits
from competitions.builder.refusals import BuildRefused
from competitions.models import CompetitionBuild
from tests.imagezips import CLASSES, folder_entries, image_bytes, make_zip

LIMITS = Limits()


def split_entries(train_per_class: int = 8, test_per_class: int = 4, test_folder: str = "val",
                  around: str = "") -> dict[str, bytes]:
    entries = {}
    for part, count, start in (("train", train_per_class, 0),
                               (test_folder, test_per_class, 500)):
        for name, data in folder_entries(CLASSES, count, start=start).items():
            entries[f"{around}{part}/{name}"] = data
    return entries


def sources_by_part(entries: dict[str, bytes]) -> dict[str, set[str]]:
    return {part: {name for name in entries if name.split("/")[-3] == part}
            for part in {name.split("/")[-3] for name in entries}}


def test_train_and_val_folders_are_read_as_classes_with_their_part():
    with Archive(io.BytesIO(make_zip(split_entries())), LIMITS) as archive:
        found = inventory(archive, LIMITS)
    assert found.has_split and found.labels == CLASSES
    assert {image.part for image in found.images} == {"train", "test"}
    assert sum(image.part == "test" for image in found.images) == 8


@pytest.mark.parametrize("test_folder", ["val", "test", "Validation"])
def test_a_split_zip_inside_a_folder_with_any_test_folder_name_is_recognised(test_folder):
    entries = split_entries(test_folder=test_folder, around="my-course/")
    with Archive(io.BytesIO(make_zip(entries)), LIMITS) as archive:
        assert inventory(archive, LIMITS).has_split


def test_an_image_directly_in_the_train_folder_is_refused_with_where_it_belongs():
    entries = {**split_entries(), "train/stray.png": image_bytes(999)}
    with pytest.raises(BuildRefused) as refused:
        with Archive(io.BytesIO(make_zip(entries)), LIMITS) as archive:
            inventory(archive, LIMITS)
    assert refused.value.code == "split_layout"
    assert "train/dangomushi/001.jpg" in refused.value.message()


def test_keep_my_split_keeps_the_val_images_as_the_test_set_split_public_and_private(
        build, alice):
    entries = split_entries(train_per_class=8, test_per_class=6)
    done = build(alice, make_zip(entries), keep_split=True, public_fraction=0.5)
    assert done.status == CompetitionBuild.Status.DONE, done.error_message()
    assert done.report["split"] == "kept"
    counts = {row["label"]: row for row in done.report["classes"]}
    for label in CLASSES:
        assert counts[label]["train"] == 8
        # Stratified: each class of the test set has Public and Private images.
        assert counts[label]["public"] == 3 and counts[label]["private"] == 3
    competition = done.competition
    assert competition.solution_public_rows == 6 and competition.solution_private_rows == 6


def test_merge_pools_train_and_val_and_splits_them_anew(build, alice):
    done = build(alice, make_zip(split_entries(train_per_class=8, test_per_class=2)),
                 keep_split=False, test_fraction=0.5)
    assert done.status == CompetitionBuild.Status.DONE, done.error_message()
    assert done.report["split"] == "merged"
    rows = {row["label"]: row for row in done.report["classes"]}
    assert all(rows[label]["train"] == 5 for label in CLASSES)  # half of 10
    with done.competition.solution_file.open("rb") as handle:
        solution = list(csv.DictReader(io.StringIO(handle.read().decode())))
    assert len(solution) == 10


def test_keep_my_split_refuses_a_class_missing_from_the_val_folder(build, alice):
    entries = split_entries()
    entries = {name: data for name, data in entries.items()
               if not name.startswith("val/warajimushi/")}
    done = build(alice, make_zip(entries), keep_split=True)
    assert done.status == CompetitionBuild.Status.FAILED
    assert done.refusal["code"] == "split_class_missing"
    assert "warajimushi" in done.error_message()


def test_a_host_chooses_keep_my_split_on_the_site(client, alice,
                                                  django_capture_on_commit_callbacks):
    from django.urls import reverse

    from tests.imagezips import zip_upload

    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("build_new"), {
            "title": "Bugs", "slug": "split-bugs", "visibility": "public", "test_percent": 20,
            "public_percent": 30, "split": "keep",
            "zip_file": zip_upload(make_zip(split_entries()))})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert CompetitionBuild.objects.get(slug="split-bugs").keep_split
