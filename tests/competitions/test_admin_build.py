"""Organizers build a competition from images in the admin, follow the build, and
publish it once the checklist is clear."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competitions import policy
from competitions.builder.service import build_run
from competitions.models import Competition, CompetitionBuild
from tests.factories import competition_form
from tests.imagezips import folder_zip, zip_upload


@pytest.fixture
def teacher(make_user):
    return make_user("teacher-tanaka", is_staff=True)


def post_build(client, django_capture_on_commit_callbacks, data: bytes, **fields):
    with django_capture_on_commit_callbacks(execute=False):
        return client.post(reverse("admin:competitions_competition_build"), {
            "title": "ダンゴムシ 2027", "slug": "bugs-2027", "visibility": "public",
            "test_percent": 20, "public_percent": 30, "split": "merge",
            "zip_file": zip_upload(data), **fields})


def test_an_organizer_builds_a_competition_from_images_in_the_admin_and_publishes_it(
        client, teacher, mallory, django_capture_on_commit_callbacks):
    client.force_login(teacher)
    assert "admin-build-link" in client.get(
        reverse("admin:competitions_competition_changelist")).content.decode()
    response = post_build(client, django_capture_on_commit_callbacks, folder_zip(per_class=10))
    build = CompetitionBuild.objects.get(slug="bugs-2027")
    assert response.status_code == 302
    assert response.url == reverse("admin:competitions_competition_build_status",
                                   args=[build.pk])
    page = client.get(response.url).content.decode()
    assert 'data-status="queued"' in page and 'http-equiv="refresh"' in page

    build_run(build_id=build.pk)
    page = client.get(response.url).content.decode()
    assert 'data-status="done"' in page and 'data-testid="checklist-clear"' in page
    competition = Competition.objects.get(slug="bugs-2027")
    assert competition.host is None and not competition.is_published
    assert policy.organizes(teacher, competition)

    publish = reverse("admin:competitions_competition_publish", args=[competition.pk])
    assert client.post(publish).status_code == 302
    competition.refresh_from_db()
    assert competition.is_published
    assert policy.competition_for(mallory, "bugs-2027") == competition


def test_a_refused_zip_is_said_on_the_admin_form_and_nothing_is_queued(
        client, teacher, django_capture_on_commit_callbacks):
    client.force_login(teacher)
    response = post_build(client, django_capture_on_commit_callbacks, b"not a zip",
                          HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 400
    assert "The file is not a zip archive." in response.content.decode()
    assert not CompetitionBuild.objects.exists()


def test_nobody_but_the_starter_follows_an_admin_build(
        client, teacher, make_user, django_capture_on_commit_callbacks):
    client.force_login(teacher)
    post_build(client, django_capture_on_commit_callbacks, folder_zip(per_class=10))
    build = CompetitionBuild.objects.get()
    other = make_user("other-teacher", is_staff=True)
    client.force_login(other)
    url = reverse("admin:competitions_competition_build_status", args=[build.pk])
    assert client.get(url).status_code == 404
    listed = client.get(reverse("admin:competitions_competitionbuild_changelist"))
    assert "bugs-2027" not in listed.content.decode()
    client.force_login(teacher)
    assert client.get(url).status_code == 200
    listed = client.get(reverse("admin:competitions_competitionbuild_changelist"))
    assert "bugs-2027" in listed.content.decode()


def codes(client, competition) -> set[str]:
    page = client.get(reverse("admin:competitions_competition_change", args=[competition.pk]))
    text = page.content.decode()
    return {code for code in ("no_test_zip", "no_sample", "no_solution", "labels_csv_differs",
                              "sample_invalid", "end_past", "end_before_start")
            if f'data-code="{code}"' in text}


def test_the_checklist_lists_what_is_missing_and_publishing_is_refused_with_the_list(
        client, olivia, competition):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from competitions.models import DataFile

    client.force_login(olivia)
    competition.is_published = False
    competition.end_at = timezone.now() - timedelta(days=1)
    competition.start_at = timezone.now() - timedelta(days=9)
    competition.save()
    sample = competition.data_files.get(name="sample_submission.csv")
    sample.file.save("sample.csv", ContentFile(b"id,label\nimg_01.png,\xe3\x81\x86\n"))
    labels = DataFile(competition=competition, name="labels.csv")
    labels.file.save("labels.csv", ContentFile("label\nいぬ\nねこ\n".encode()), save=False)
    labels.save()
    assert codes(client, competition) == {"no_test_zip", "labels_csv_differs",
                                          "sample_invalid", "end_past"}

    publish = reverse("admin:competitions_competition_publish", args=[competition.pk])
    response = client.post(publish)
    assert response.status_code == 400
    assert 'data-testid="publish-refused"' in response.content.decode()
    response = client.post(
        reverse("admin:competitions_competition_change", args=[competition.pk]),
        competition_form(slug=competition.slug, labels="\n".join(competition.labels),
                         is_published="on", end_at_0="2020-01-01", start_at_0="2019-01-01"),
        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Not published yet: The end is in the past" in response.content.decode()
    competition.refresh_from_db()
    assert not competition.is_published


def test_the_checklist_speaks_japanese(client, olivia, competition):
    client.force_login(olivia)
    competition.data_files.all().delete()
    page = client.get(reverse("admin:competitions_competition_change", args=[competition.pk]),
                      HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "sample_submission.csv がありません" in page


def test_a_solution_without_usage_gets_a_stratified_public_private_split_stated_on_the_page(
        client, olivia):
    client.force_login(olivia)
    rows = [(f"t{n:03d}.png", label) for label in ("すずめ", "からす", "はと")
            for n in range(10 * ("すずめ", "からす", "はと").index(label), 10 * (
                ("すずめ", "からす", "はと").index(label) + 1))]
    content = ("id,label\n" + "".join(f"{i},{label}\n" for i, label in rows)).encode()
    response = client.post(reverse("admin:competitions_competition_add"), competition_form(
        solution_upload=SimpleUploadedFile("solution.csv", content)), follow=True)
    assert "Kompe chose the Public rows" in response.content.decode()
    competition = Competition.objects.get(slug="birds")
    assert (competition.solution_public_rows, competition.solution_private_rows) == (9, 21)
    with competition.solution_file.open("rb") as handle:
        stored = list(csv.DictReader(io.StringIO(handle.read().decode())))
    assert [(row["id"], row["label"]) for row in stored] == rows
    for label in ("すずめ", "からす", "はと"):
        assert sum(row["usage"] == "Public" for row in stored if row["label"] == label) == 3

    from competitions.solution_split import with_usage
    assert with_usage(content) == with_usage(content)
