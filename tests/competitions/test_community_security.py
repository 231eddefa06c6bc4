"""A community competition's hidden labels, its source file names and its host's report
are unreachable by any URL, and an invitation-only one does not exist for outsiders."""

import csv
import io

import pytest
from django.urls import reverse

from competitions.services import join_competition, submission_create
from tests.conftest import upload
from tests.imagezips import SOURCE_MARKER, named_zip
from tests.urlwalk import all_url_patterns, fill, response_text


@pytest.fixture
def community(build, alice, bob):
    """alice's invitation-only competition built from a zip whose file names give the
    labels away; bob joined through the invitation and submitted once."""
    done = build(alice, named_zip(), slug="bugs", visibility="invite")
    competition = done.competition
    join_competition(competition=competition, user=bob)
    with competition.data_files.get(name="sample_submission.csv").file.open("rb") as handle:
        sample = handle.read()
    submission = submission_create(competition=competition, user=bob, file=upload(sample))
    return done, competition, submission


def hidden_rows(competition) -> list[str]:
    with competition.solution_file.open("rb") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read().decode())))
    return [f"{row['id']},{row['label']}" for row in rows]


def urls_for(competition, build, submission, extra_names=()) -> list[str]:
    values = {
        "slug": [competition.slug],
        "name": ["solution.csv", competition.solution_file.name, "test.zip",
                 "sample_submission.csv", *extra_names],
        "path": [competition.solution_file.name, "solution.csv"],
        "pk": [str(build.pk), str(submission.pk), str(competition.gallery_images.first().pk)],
        "code": [competition.invite_code],
        "object_id": [str(competition.pk)],
        "*": [str(competition.pk), str(build.pk)],
    }
    return [url for route in all_url_patterns() for url in fill(route, values)]


@pytest.mark.parametrize("who", ["anonymous", "participant", "outsider"])
def test_no_url_reveals_hidden_labels_source_names_or_the_hosts_report(
        client, community, bob, mallory, who):
    build, competition, submission = community
    if who == "participant":
        client.force_login(bob)
    elif who == "outsider":
        client.force_login(mallory)
    secrets = hidden_rows(competition)
    urls = urls_for(competition, build, submission)
    assert len(urls) > 40
    for url in urls:
        for method in (client.get, client.post):
            text = response_text(method(url))
            assert not any(row in text for row in secrets), url
            assert SOURCE_MARKER not in text, url
            assert "Test, public" not in text, url


def test_an_outsider_meets_404_everywhere_but_the_invitation(client, community, mallory):
    build, competition, submission = community
    client.force_login(mallory)
    about_it = (f"/c/{competition.slug}/", f"/competitions/{competition.slug}/",
                "/host/builds/", "/submissions/")
    urls = [url for url in urls_for(competition, build, submission)
            if any(part in url for part in about_it) and not url.startswith("/staff/")]
    assert len(urls) > 20
    for url in urls:
        status = client.get(url).status_code
        assert status in (404, 405), (url, status)


def test_the_host_sees_the_report_others_do_not(client, community, alice, bob):
    build, competition, _ = community
    url = reverse("build_status", args=[build.pk])
    client.force_login(alice)
    assert SOURCE_MARKER not in client.get(url).content.decode()  # no duplicates to list
    assert "Test, public" in client.get(url).content.decode()
    client.force_login(bob)
    assert client.get(url).status_code == 404
