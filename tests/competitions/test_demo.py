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


def test_loading_the_demo_again_keeps_what_the_organizer_changed(demo):
    """`make demo` runs load_demo at every start: an organizer's edits must survive it."""
    demo.title = "ひらがな 20（2026 年度 前期）"
    demo.overview = "今期の説明"
    demo.metric = "macro_f1"
    demo.daily_submission_limit = 3
    end_at = demo.end_at.replace(microsecond=0)
    demo.end_at = end_at
    demo.save()
    sample = demo.data_files.get(name="sample_submission.csv")
    sample.description = "先生が書き直した説明"
    sample.save(update_fields=["description"])
    demo.data_files.get(name="train.csv").delete()  # a file the organizer removed ...
    stored_names = {f.name: f.file.name for f in demo.data_files.all()}

    call_command("load_demo", verbosity=0)

    demo.refresh_from_db()
    assert demo.title == "ひらがな 20（2026 年度 前期）"
    assert demo.overview == "今期の説明"
    assert demo.daily_submission_limit == 3 and demo.metric == "macro_f1"
    assert demo.end_at == end_at
    kept = {f.name: f.file.name for f in demo.data_files.all()}
    assert {name: kept[name] for name in stored_names} == stored_names
    assert demo.data_files.get(name="sample_submission.csv").description == "先生が書き直した説明"
    # ... is what is missing, so it comes back.
    assert "train.csv" in kept and DataFile.objects.count() == 5


def test_load_demo_reset_restores_the_shipped_demo(demo):
    demo.title = "edited"
    demo.daily_submission_limit = 3
    demo.save()
    call_command("load_demo", "--reset", verbosity=0)
    demo.refresh_from_db()
    assert demo.title == "Hiragana-20"
    assert demo.daily_submission_limit == 20
    assert DataFile.objects.count() == 5
