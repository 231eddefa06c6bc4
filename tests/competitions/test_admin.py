"""Organizers create competitions, store the hidden solution and rescore in the admin."""


from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competitions.models import Competition, Submission
from tests.conftest import SOLUTION_CSV
from tests.factories import competition_form


def test_organizer_sees_every_problem_of_a_bad_solution_and_nothing_is_stored(client, olivia):
    client.force_login(olivia)
    bad = SimpleUploadedFile("solution.csv", "id,label,usage\na,すずめ,Public\na,ねこ,Hidden\n"
                             .encode())
    response = client.post(reverse("admin:competitions_competition_add"),
                           competition_form(solution_upload=bad))
    page = response.content.decode()
    assert response.status_code == 200
    assert "line 3: id &quot;a&quot; appears twice (first on line 2)." in page
    assert "line 3: unknown label &quot;ねこ&quot;." in page
    assert "line 3: usage must be &quot;Public&quot; or &quot;Private&quot;" in page
    assert not Competition.objects.exists()


def test_organizer_creates_a_competition_with_its_hidden_solution(client, olivia):
    client.force_login(olivia)
    good = "id,label,usage\na,すずめ,Public\nb,からす,Private\nc,はと,Private\n".encode()
    response = client.post(reverse("admin:competitions_competition_add"), competition_form(
        solution_upload=SimpleUploadedFile("solution.csv", good)))
    assert response.status_code == 302
    competition = Competition.objects.get(slug="birds")
    assert competition.labels == ["すずめ", "からす", "はと"]
    assert (competition.solution_public_rows, competition.solution_private_rows) == (1, 2)
    assert competition.solution_file.read() == good


def test_labels_must_be_unique(client, olivia):
    client.force_login(olivia)
    response = client.post(reverse("admin:competitions_competition_add"),
                           competition_form(labels="すずめ\nすずめ"))
    assert "Each label may appear only once." in response.content.decode()


def test_organizer_rescores_a_submission(client, olivia, competition, alice, alice_joined,
                                         django_capture_on_commit_callbacks, scoring_messages):
    submission = Submission.objects.create(competition=competition, team=alice_joined.team,
                                           submitted_by=alice, original_name="p.csv")
    assert submission.claim_for_scoring()
    submission.mark_failed([])
    client.force_login(olivia)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:competitions_submission_changelist"),
                    {"action": "rescore", "_selected_action": [submission.pk]})
    submission.refresh_from_db()
    assert submission.status == Submission.Status.QUEUED
    assert scoring_messages == [submission.pk]


def test_participant_cannot_open_the_admin(client, alice, competition):
    client.force_login(alice)
    response = client.get(reverse("admin:competitions_competition_change",
                                  args=[competition.pk]))
    assert response.status_code == 302
    assert SOLUTION_CSV.decode() not in client.get(response.url).content.decode()


def test_changing_labels_that_no_longer_fit_the_stored_solution_is_refused(
        client, olivia, competition):
    client.force_login(olivia)
    response = client.post(
        reverse("admin:competitions_competition_change", args=[competition.pk]),
        competition_form(slug=competition.slug, labels="いぬ\nねこ"))
    page = response.content.decode()
    assert "The stored hidden solution does not fit these labels" in page
    assert "unknown label &quot;とり&quot;" in page
    competition.refresh_from_db()
    assert competition.labels == ["いぬ", "ねこ", "とり"]


def test_organizer_downloads_the_stored_solution_through_the_admin_link(
        client, olivia, competition):
    client.force_login(olivia)
    url = competition.solution_file.url
    assert url.startswith("/staff/files/")
    response = client.get(url)
    assert b"".join(response.streaming_content) == SOLUTION_CSV


def test_staff_file_view_refuses_paths_outside_the_private_folder(client, olivia):
    client.force_login(olivia)
    assert client.get("/staff/files/../../config/settings.py").status_code in (400, 404)


def test_data_file_names_cannot_hold_slashes(competition):
    import pytest
    from django.core.exceptions import ValidationError

    from competitions.models import DataFile

    for name in ("a/b.zip", "..", "a\\b.csv"):
        with pytest.raises(ValidationError):
            DataFile(competition=competition, name=name, file="x").full_clean()


def test_probability_metrics_need_the_probability_format(client, olivia):
    client.force_login(olivia)
    response = client.post(reverse("admin:competitions_competition_add"),
                           competition_form(metric="log_loss", extra_metrics=["top_k_accuracy"]))
    page = response.content.decode()
    assert "Log loss needs probability submissions: choose that format." in page
    assert "Top-k accuracy needs probability submissions: choose that format." in page
    assert not Competition.objects.exists()
    response = client.post(reverse("admin:competitions_competition_add"), competition_form(
        metric="log_loss", extra_metrics=["top_k_accuracy", "accuracy"],
        submission_kind="probability"))
    assert response.status_code == 302
    competition = Competition.objects.get()
    assert competition.extra_metrics == ["top_k_accuracy", "accuracy"]
    assert competition.expected_header == "id,すずめ,からす,はと"


def test_the_admin_refuses_to_move_someone_into_a_full_team(client, olivia, make_competition,
                                                            alice, bob, make_user):
    import html

    from django.utils import timezone

    from competitions import teams
    from competitions.services import join_competition

    course = make_competition(slug="course", max_team_size=2)
    alice_in = join_competition(competition=course, user=alice)
    bob_in = teams.invitation_accept(invitation=teams.invitation_create(
        participation=alice_in, username="bob"), user=bob)
    carol = make_user("carol")
    carol_in = join_competition(competition=course, user=carol)
    accepted = timezone.localtime(carol_in.accepted_rules_at)

    def edit(participation, team, notes=""):
        return client.post(reverse("admin:competitions_participation_change",
                                   args=[participation.pk]), {
            "user": participation.user_id, "competition": course.pk, "team": team.pk,
            "accepted_rules_at_0": accepted.strftime("%Y-%m-%d"),
            "accepted_rules_at_1": accepted.strftime("%H:%M:%S"), "report_notes": notes})

    client.force_login(olivia)
    refused = edit(carol_in, alice_in.team)
    assert refused.status_code == 200
    assert ("The team has 2 of at most 2 members: there is no room."
            in html.unescape(refused.content.decode()))
    carol_in.refresh_from_db()
    assert carol_in.team_id != alice_in.team_id
    # A member of the full team who stays in it is edited as before.
    assert edit(bob_in, alice_in.team, notes="stays").status_code == 302
    course.max_team_size = 3
    course.save(update_fields=["max_team_size"])
    assert edit(carol_in, alice_in.team).status_code == 302
    assert [user.username for user in teams.members(alice_in.team)] == ["alice", "bob",
                                                                         "carol"]
