"""Competition bundles: export, import under a new slug and dates, identical scores."""

import csv
import io
import random
import zipfile
from datetime import datetime, timedelta

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import timezone

from competitions.bundles import BundleRefused, bundle_export, bundle_import
from competitions.models import Competition, Submission
from competitions.services import join_competition, submission_create
from competitions.tasks import score_submission_task
from tests.conftest import upload
from tests.imagezips import stored_files

START = timezone.make_aware(datetime(2027, 4, 1, 9, 0))
END = START + timedelta(days=60)


@pytest.fixture
def demo(db):
    call_command("load_demo", verbosity=0)
    return Competition.objects.get(slug="hiragana-20")


def solution_answers(competition) -> dict[str, str]:
    with competition.solution_file.open("rb") as handle:
        return {row["id"]: row["label"] for row in csv.DictReader(
            io.StringIO(handle.read().decode()))}


def submission_files(competition) -> dict[str, bytes]:
    """The sample, a perfect file, a file right on a random ~60 %, and one in the wrong
    format."""
    answers = solution_answers(competition)
    rng = random.Random(7)
    labels = competition.labels

    def as_csv(pick) -> bytes:
        return ("id,label\n" + "".join(f"{id_},{pick(id_, label)}\n"
                                       for id_, label in answers.items())).encode()
    with competition.data_files.get(name="sample_submission.csv").file.open("rb") as sample:
        files = {"sample.csv": sample.read()}
    files["perfect.csv"] = as_csv(lambda id_, label: label)
    files["partly.csv"] = as_csv(lambda id_, label: label if rng.random() < 0.6
                                 else rng.choice(labels))
    files["broken.csv"] = b"image,class\nnope,nope\n"
    return files


def submit_all(competition, user, files: dict[str, bytes]) -> dict[str, tuple]:
    join_competition(competition=competition, user=user)
    outcome = {}
    for name, content in files.items():
        submission = submission_create(competition=competition, user=user,
                                       file=upload(content, name))
        score_submission_task(submission.pk)
        submission.refresh_from_db()
        outcome[name] = (submission.status, submission.public_score, submission.private_score)
    return outcome


def export_bytes(competition, **options) -> bytes:
    buffer = io.BytesIO()
    bundle_export(competition, buffer, **options)
    return buffer.getvalue()


def test_hiragana_20_exported_and_imported_under_a_new_slug_scores_the_same_files_alike(
        demo, alice, bob, olivia, tmp_path):
    files = submission_files(demo)
    before = submit_all(demo, alice, files)
    assert before["perfect.csv"][1:] == (1.0, 1.0)
    assert before["broken.csv"][0] == Submission.Status.FAILED
    assert 0.3 < before["partly.csv"][1] < 0.9
    bundle = tmp_path / "hiragana.zip"
    call_command("export_competition", "hiragana-20", str(bundle), "--with-submissions",
                 stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_competition", str(bundle), "--slug", "hiragana-20-2027",
                 "--start", "2027-04-01T09:00", "--end", "2027-06-01",
                 "--organizer", olivia.username, stdout=out)
    assert "3 bundled submissions score identically" in out.getvalue()

    copy = Competition.objects.get(slug="hiragana-20-2027")
    assert not copy.is_published and copy.start_at == START
    assert copy.organizers.filter(pk=olivia.pk).exists()
    for field in ("title", "overview", "labels", "metric", "daily_submission_limit",
                  "solution_public_rows", "solution_private_rows", "class_counts"):
        assert getattr(copy, field) == getattr(demo, field), field
    assert ([(f.name, f.size) for f in copy.data_files.all()]
            == [(f.name, f.size) for f in demo.data_files.all()])
    assert copy.gallery_images.count() == demo.gallery_images.count()
    copy.is_published = True
    copy.start_at = timezone.now() - timedelta(hours=1)
    copy.save()
    assert submit_all(copy, bob, files) == before


def test_a_bundle_carries_a_yaml_manifest_and_no_submissions_unless_asked(demo):
    archive = zipfile.ZipFile(io.BytesIO(export_bytes(demo)))
    manifest = yaml.safe_load(archive.read("kompe.yaml"))
    assert manifest["format"] == "kompe-competition-bundle" and manifest["version"] == 1
    assert manifest["competition"]["labels"] == demo.labels
    assert manifest["submissions"] == []
    assert {entry["name"] for entry in manifest["data_files"]} == {
        "train.zip", "test.zip", "train.csv", "labels.csv", "sample_submission.csv"}
    assert "solution.csv" in archive.namelist()


def rewritten(bundle: bytes, change) -> io.BytesIO:
    """The bundle with its members passed through change(name, data) (None drops one)."""
    source = zipfile.ZipFile(io.BytesIO(bundle))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for name in source.namelist():
            data = change(name, source.read(name))
            if data is not None:
                target.writestr(name, data)
    output.seek(0)
    return output


def manifest_changed(edit):
    def change(name, data):
        if name != "kompe.yaml":
            return data
        manifest = yaml.safe_load(data)
        edit(manifest)
        return yaml.safe_dump(manifest, allow_unicode=True).encode()
    return change


@pytest.mark.parametrize(("change", "code"), [
    (lambda name, data: None if name == "kompe.yaml" else data, "no_manifest"),
    (lambda name, data: b"format: [" if name == "kompe.yaml" else data, "bad_manifest"),
    (manifest_changed(lambda m: m.update(version=99)), "wrong_format"),
    (lambda name, data: None if name.endswith("test.zip") else data, "missing_file"),
    (lambda name, data: data + b"x" if name.endswith("train.csv") else data, "damaged_file"),
    (manifest_changed(lambda m: m["competition"].update(labels=["a", "b"])), "bad_solution"),
    (manifest_changed(lambda m: m["competition"].update(metric="luck")), "bad_setting"),
    (manifest_changed(lambda m: m["data_files"][0].update(path="../../etc/passwd")),
     "unsafe_path"),
])
def test_a_bad_bundle_is_refused_with_its_reason_and_nothing_is_stored(demo, change, code):
    bundle = export_bytes(demo)
    files_before, competitions_before = stored_files(), Competition.objects.count()
    with pytest.raises(BundleRefused) as refused:
        bundle_import(rewritten(bundle, change), slug="again", start_at=START, end_at=END)
    assert refused.value.code == code, refused.value.message()
    assert stored_files() == files_before
    assert Competition.objects.count() == competitions_before


def test_a_bundle_whose_scores_would_differ_imports_nothing(demo, alice):
    files = submission_files(demo)
    submit_all(demo, alice, {"partly.csv": files["partly.csv"]})
    bundle = export_bytes(demo, with_submissions=True)
    files_before = stored_files()
    tampered = manifest_changed(lambda m: m["submissions"][0].update(public_score=0.123))
    with pytest.raises(BundleRefused) as refused:
        bundle_import(rewritten(bundle, tampered), slug="again", start_at=START, end_at=END)
    assert refused.value.code == "scores_differ"
    assert stored_files() == files_before
    assert not Competition.objects.filter(slug="again").exists()


def test_a_taken_slug_or_an_end_before_the_start_is_refused_before_reading_the_bundle(demo):
    with pytest.raises(BundleRefused, match="already taken"):
        bundle_import(io.BytesIO(b""), slug="hiragana-20", start_at=START, end_at=END)
    with pytest.raises(BundleRefused, match="end must come after"):
        bundle_import(io.BytesIO(b""), slug="again", start_at=END, end_at=START)


def test_the_import_command_says_why_a_bundle_is_refused(db, tmp_path):
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not a zip archive"):
        call_command("import_competition", str(bad), "--slug", "x", "--start", "2027-04-01")


def test_an_organizer_exports_from_the_admin_and_another_imports_it_under_a_new_slug(
        client, competition, make_user, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from competitions import policy

    teacher = make_user("teacher-sato", is_staff=True)
    policy.make_organizer(teacher, competition)
    client.force_login(teacher)
    response = client.get(reverse("admin:competitions_competition_export",
                                  args=[competition.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="animals-bundle-')
    bundle = b"".join(response.streaming_content)
    action = client.post(reverse("admin:competitions_competition_changelist"), {
        "action": "export_bundle", "_selected_action": [competition.pk]})
    assert action.status_code == 200 and action["Content-Type"] == "application/zip"

    successor = make_user("teacher-next", is_staff=True)
    client.force_login(successor)
    assert client.get(reverse("admin:competitions_competition_export",
                              args=[competition.pk])).status_code == 404
    from django.core.files.uploadedfile import SimpleUploadedFile

    from competitions.tasks import import_bundle_task
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("admin:competitions_competition_import"), {
            "bundle": SimpleUploadedFile("b.zip", bundle), "slug": "animals-2027",
            "start_at_0": "2027-04-01", "start_at_1": "09:00", "end_at_0": "2027-06-01",
            "end_at_1": "09:00"})
    assert response.status_code == 302, response.content.decode()[:2000]
    # The worker's side (the request only queued it).
    assert import_bundle_task(int(response["Location"].rstrip("/").rsplit("/", 1)[1])) == "done"
    copy = Competition.objects.get(slug="animals-2027")
    assert policy.organizes(successor, copy) and not policy.organizes(teacher, copy)
    assert copy.solution_private_rows == competition.solution_private_rows

    response = client.post(reverse("admin:competitions_competition_import"), {
        "bundle": SimpleUploadedFile("b.zip", b"nonsense"), "slug": "animals-2028",
        "start_at_0": "2027-04-01", "start_at_1": "09:00"})
    assert response.status_code == 400
    assert "The bundle is not a zip archive." in response.content.decode()
