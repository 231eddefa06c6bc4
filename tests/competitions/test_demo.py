"""The shipped demo competition loads, and its own sample submission scores."""

import csv
import io
import zipfile
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from competitions.models import Competition, DataFile
from scoring.scorer import score_submission

HIRAGANA_20 = list("あおめぬねれわるろはほけさちきいりこたな")


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return Competition.objects.get(slug="hiragana-20")


def rows(data_file: DataFile) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data_file.file.read().decode("utf-8"))))


def test_demo_loads_files_solution_and_gallery(demo):
    assert demo.labels == HIRAGANA_20
    assert [f.name for f in demo.data_files.all()] == [
        "train.zip", "train.csv", "test.zip", "labels.csv", "sample_submission.csv"]
    assert (demo.solution_public_rows, demo.solution_private_rows) == (600, 1400)
    assert demo.gallery_images.count() == 20 * 6
    assert demo.is_open()


def test_demo_solution_is_split_30_70_in_every_class(demo):
    solution = demo.load_solution()
    public = Counter(solution.targets[solution.is_public].tolist())
    private = Counter(solution.targets[~solution.is_public].tolist())
    assert set(public.values()) == {30} and set(private.values()) == {70}


def test_demo_test_names_reveal_nothing_and_match_the_sample(demo):
    test_zip = demo.data_files.get(name="test.zip")
    with zipfile.ZipFile(test_zip.file.open("rb")) as archive:
        names = sorted(archive.namelist())
    sample_ids = sorted(row["id"] for row in rows(demo.data_files.get(
        name="sample_submission.csv")))
    assert names == sample_ids == sorted(demo.load_solution().ids)
    assert not any(label in name for name in names for label in HIRAGANA_20)
    assert len(rows(demo.data_files.get(name="train.csv"))) == 8000


def test_demo_sample_submission_is_valid_and_scores(demo):
    sample = demo.data_files.get(name="sample_submission.csv").file.read()
    scores = score_submission(sample, solution=demo.load_solution(), labels=demo.labels,
                              metric="accuracy")
    assert 0 <= scores.public <= 1 and scores.private is not None


def test_demo_accounts_need_debug(demo, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG only"):
        call_command("load_demo", "--users", verbosity=0)


def test_loading_the_demo_twice_replaces_rather_than_duplicates(demo):
    call_command("load_demo", verbosity=0)
    assert Competition.objects.count() == 1
    assert DataFile.objects.count() == 5
