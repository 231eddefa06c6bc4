"""Hidden labels and other people's files are unreachable, by any URL of the site."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from competitions.models import Submission
from competitions.services import submission_create
from tests.conftest import SECRET_MARKER, TRUE_LABELS, perfect_csv, upload
from tests.urlwalk import all_url_patterns, fill, response_text

BOB_FILE_MARKER = "bob-only-secret-row"


@pytest.fixture
def bob_submission(competition, bob, bob_joined):
    content = perfect_csv() + f"{BOB_FILE_MARKER},いぬ\n".encode()
    return submission_create(competition=competition, user=bob, file=upload(content, "b.csv"))


@pytest.mark.parametrize("who", ["anonymous", "participant", "outsider"])
def test_no_url_of_the_site_reveals_the_hidden_solution_or_another_users_file(
        client, competition, alice, alice_joined, mallory, bob_submission, who):
    if who == "participant":
        client.force_login(alice)
    elif who == "outsider":
        client.force_login(mallory)
    solution_path = competition.solution_file.name
    candidate_values = {
        "slug": [competition.slug],
        "name": ["solution.csv", solution_path, "../solution.csv",
                 "sample_submission.csv", bob_submission.file.name],
        "path": [solution_path, "solution.csv", bob_submission.file.name],
        "pk": [str(bob_submission.pk), str(competition.pk)],
        "object_id": [str(bob_submission.pk), str(competition.pk)],
        "*": [str(competition.pk), str(bob_submission.pk), "solution.csv"],
    }
    urls = [url for route in all_url_patterns() for url in fill(route, candidate_values)]
    urls += [f"/media/{solution_path}", f"/private/{solution_path}",
             f"/var/private/{solution_path}", f"/static/../var/private/{solution_path}",
             f"/media/{bob_submission.file.name}"]
    assert len(urls) > 40
    for url in urls:
        for method in (client.get, client.post):
            text = response_text(method(url))
            assert SECRET_MARKER not in text, url
            assert ",".join(TRUE_LABELS[:3]) not in text, url
            assert BOB_FILE_MARKER not in text, url


def test_participant_cannot_download_another_participants_submission(
        client, alice, alice_joined, bob_submission):
    client.force_login(alice)
    assert client.get(reverse("submission_file", args=[bob_submission.pk])).status_code == 404


def test_submitter_can_download_their_own_file(client, bob, bob_submission):
    client.force_login(bob)
    response = client.get(reverse("submission_file", args=[bob_submission.pk]))
    assert response.status_code == 200
    assert BOB_FILE_MARKER in response_text(response)


def test_data_files_are_for_joined_participants_only(client, competition, alice, mallory):
    url = reverse("data_file_download", args=[competition.slug, "sample_submission.csv"])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(mallory)
    assert client.get(url).url == reverse("competition_overview", args=[competition.slug])
    client.force_login(alice)
    client.post(reverse("competition_join", args=[competition.slug]), {"accept_rules": "on"})
    response = client.get(url)
    assert response.status_code == 200
    assert response_text(response).startswith("id,label\n")


def test_my_submissions_lists_only_my_teams_submissions(
        client, competition, alice, alice_joined, bob_submission):
    client.force_login(alice)
    page = client.get(reverse("submission_list", args=[competition.slug])).content.decode()
    assert "b.csv" not in page
    assert Submission.objects.count() == 1


PRIVATE_MARKER = 0.8765432


@pytest.mark.parametrize("situation", ["open", "ended, board hidden by the organizer"])
def test_before_the_reveal_no_url_shows_a_participant_a_private_score_or_rank(
        client, competition, alice, alice_joined, bob_joined, situation):
    """Every route of the site and the API, as a participant, while the private board is
    not revealed: during the competition, and after it while the organizer hides it."""
    from rest_framework.authtoken.models import Token

    from competitions.finals import final_mark
    from competitions.models.competition import PrivateBoardChoice
    from tests.conftest import scored

    mine = scored(alice_joined, 0.25, PRIVATE_MARKER, 30)
    scored(bob_joined, 0.5, PRIVATE_MARKER - 0.5, 20)
    final_mark(submission=mine, user=alice, final=True)
    if situation != "open":
        competition.end_at = timezone.now() - timedelta(seconds=1)
        competition.private_leaderboard = PrivateBoardChoice.HIDDEN
        competition.save()
    client.force_login(alice)
    token = Token.objects.create(user=alice).key
    values = {"slug": [competition.slug], "name": ["sample_submission.csv"],
              "pk": [str(mine.pk)], "object_id": [str(mine.pk)], "*": [str(mine.pk)]}
    urls = [url for route in all_url_patterns() for url in fill(route, values)]
    urls += [f"/api/v1/competitions/{competition.slug}/leaderboard/?board=private",
             f"/api/v1/competitions/{competition.slug}/leaderboard/?board=private&top=1000",
             f"/c/{competition.slug}/submissions/?fragment=1"]
    shown = [f"{PRIVATE_MARKER:.5f}", f"{PRIVATE_MARKER:.4f}", str(PRIVATE_MARKER),
             f"{PRIVATE_MARKER - 0.5:.5f}", "private_score", "private_rank",
             'data-testid="private-leaderboard"', "shake-up"]
    assert reverse("private_leaderboard", args=[competition.slug]) in urls
    # The API's schema names the fields it describes (private_score, ...): values only there.
    schema = reverse("api:schema")
    for url in urls:
        markers = shown[:4] if url.startswith(schema) else shown
        for response in (client.get(url), client.get(url, HTTP_AUTHORIZATION=f"Token {token}")):
            text = response_text(response)
            assert not any(marker in text for marker in markers), url
