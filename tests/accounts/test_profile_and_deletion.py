"""Profile pages show only what the viewer may see; the display name is shown on pages;
deleting an account empties it and keeps boards and team-mates' data whole."""

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token

from accounts.deletion import delete_account
from accounts.profiles import profile_of
from competitions.models import Submission, Team, Visibility
from competitions.selectors import leaderboard
from competitions.services import join_competition
from tests.conftest import scored

PRIVATE_SCORE = 0.8765432


def test_the_profile_shows_display_name_entries_with_public_rank_and_hosted_competitions(
        client, competition, alice, bob, make_competition, alice_joined, bob_joined):
    profile = profile_of(alice)
    profile.display_name = "山田 アリス"
    profile.save()
    scored(alice_joined, 0.75, PRIVATE_SCORE)
    scored(bob_joined, 0.5, 0.1)
    make_competition(slug="alices-bugs", title="Alice's bugs", host=alice)
    page = client.get(reverse("profile", args=["alice"])).content.decode()
    assert "山田 アリス" in page and "@alice" in page
    assert competition.title in page and "<td>1</td>" in page
    assert "Alice&#x27;s bugs" in page
    assert f"{PRIVATE_SCORE:.4f}" not in page and "0.8765" not in page


def test_a_profile_never_shows_a_competition_the_viewer_may_not_list(
        client, make_competition, alice, mallory):
    secret = make_competition(slug="secret-class", title="Secret class",
                              visibility=Visibility.INVITE)
    unpublished = make_competition(slug="draft", title="Draft course", is_published=False)
    join_competition(competition=secret, user=alice)
    join_competition(competition=unpublished, user=alice)
    client.force_login(mallory)
    page = client.get(reverse("profile", args=["alice"])).content.decode()
    assert "Secret class" not in page and "Draft course" not in page
    client.force_login(alice)  # alice lists the one she joined through the invitation
    assert "Secret class" in client.get(reverse("profile", args=["alice"])).content.decode()


def test_the_display_name_is_set_on_the_account_page_and_shown_on_the_board(
        client, competition, alice, alice_joined):
    scored(alice_joined, 0.75)
    client.force_login(alice)
    client.post(reverse("account_display_name"), {"display_name": "  Alice   Y. "})
    assert profile_of(get_user_model().objects.get(pk=alice.pk)).display_name == "Alice Y."
    page = client.get(reverse("leaderboard", args=[competition.slug])).content.decode()
    assert "Alice Y." in page


def test_deleting_needs_the_password(client, alice):
    client.force_login(alice)
    answer = client.post(reverse("account_delete"), {"password": "wrong"})
    assert answer.status_code == 200 and answer.context["form"].errors["password"]
    assert get_user_model().objects.get(pk=alice.pk).is_active


def test_deleting_an_account_removes_personal_data_and_signs_out(client, alice):
    EmailAddress.objects.create(user=alice, email="alice@example.com", verified=True)
    Token.objects.create(user=alice)
    profile = profile_of(alice)
    profile.display_name = "Alice Y."
    profile.save()
    from django.test import Client

    elsewhere = Client()  # another browser, signed in too
    elsewhere.force_login(alice)
    client.force_login(alice)
    answer = client.post(reverse("account_delete"), {"password": "alice-password-1"})
    assert answer.status_code == 302 and "_auth_user_id" not in client.session
    assert elsewhere.get(reverse("account")).status_code == 302  # to the sign-in page
    gone = get_user_model().objects.get(pk=alice.pk)
    assert gone.username == f"deleted:{alice.pk}" and not gone.email and not gone.is_active
    assert not gone.has_usable_password()
    assert not EmailAddress.objects.filter(user=gone).exists()
    assert not Token.objects.filter(user=gone).exists()
    assert profile_of(gone).display_name == ""
    assert client.get(reverse("profile", args=["alice"])).status_code == 404
    assert client.get(reverse("profile", args=[gone.username])).status_code == 404
    assert client.post(reverse("account_login"), {
        "login": "alice", "password": "alice-password-1"}).status_code == 200


def test_a_deleted_users_solo_team_keeps_its_scores_and_rank_under_a_neutral_name(
        competition, alice, bob, alice_joined, bob_joined):
    scored(alice_joined, 0.75)
    scored(bob_joined, 0.5)
    before = [(row.rank, row.score) for row in leaderboard(competition).rows]
    delete_account(user=alice)
    rows = leaderboard(competition).rows
    assert [(row.rank, row.score) for row in rows] == before
    assert rows[0].team_name == f"deleted user {alice_joined.team_id}"
    assert "alice" not in [row.team_name for row in rows]
    assert Submission.objects.filter(team=alice_joined.team).count() == 1


def test_a_deleted_users_solo_team_is_named_in_the_readers_language_on_the_board(
        client, competition, alice, bob, alice_joined, bob_joined):
    scored(alice_joined, 0.75)
    delete_account(user=alice)
    url = reverse("leaderboard", args=[competition.slug])
    japanese = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert f"削除されたユーザー {alice_joined.team_id}" in japanese
    assert f"deleted user {alice_joined.team_id}" not in japanese
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"deleted user {alice_joined.team_id}" in english
    # The stored name stays the unique English one.
    assert Team.objects.get(pk=alice_joined.team_id).name == (
        f"deleted user {alice_joined.team_id}")


def test_a_deleted_member_of_a_shared_team_leaves_the_team_its_name_and_submissions(
        competition, alice, bob, alice_joined):
    from competitions.models import Participation

    team = alice_joined.team
    team.name = "Team Kappa"
    team.save()
    Participation.objects.create(competition=competition, user=bob, team=team,
                                 accepted_rules_at=alice_joined.accepted_rules_at)
    scored(alice_joined, 0.75)
    delete_account(user=alice)
    assert Team.objects.get(pk=team.pk).name == "Team Kappa"
    assert Submission.objects.filter(team=team).count() == 1


def test_a_deleted_user_is_named_deleted_user_on_pages(alice):
    from accounts.names import display_name

    delete_account(user=alice)
    assert display_name(get_user_model().objects.get(pk=alice.pk)) == "deleted user"


def test_deleting_twice_does_the_work_once(alice):
    delete_account(user=alice)
    delete_account(user=alice)
    assert get_user_model().objects.get(pk=alice.pk).username == f"deleted:{alice.pk}"


def test_an_organizer_sees_no_one_elses_email_address_or_profile_in_the_admin(
        client, competition, make_user, alice):
    from competitions import policy

    EmailAddress.objects.create(user=alice, email="alice@example.com", verified=True)
    olivia = make_user("olivia-teacher", is_staff=True)
    policy.make_organizer(olivia, competition)
    client.force_login(olivia)
    for url in ("/admin/account/emailaddress/", "/admin/accounts/profile/"):
        assert client.get(url).status_code == 403, url
    assert "alice@example.com" not in client.get("/admin/").content.decode()


def test_a_solo_team_is_renamed_even_if_another_team_chose_the_neutral_name(
        competition, alice, bob, alice_joined, bob_joined):
    Team.objects.filter(pk=bob_joined.team_id).update(
        name=f"deleted user {alice_joined.team_id}")
    delete_account(user=alice)
    assert Team.objects.get(pk=alice_joined.team_id).name == (
        f"deleted user {alice_joined.team_id} (2)")
    # On the board too, the two rows do not read alike, in either language.
    from accounts.names import board_names

    for language, label in (("en", "deleted user"), ("ja", "削除されたユーザー")):
        with translation.override(language):
            assert board_names([alice_joined.team_id])[alice_joined.team_id] == (
                f"{label} {alice_joined.team_id} (2)")


def test_no_one_can_sign_up_under_a_deleted_accounts_name(client, db):
    answer = client.post(reverse("account_signup"), {
        "username": "deleted:1", "email": "x@example.com",
        "password1": "a-long-pass-phrase-9", "password2": "a-long-pass-phrase-9"})
    assert answer.status_code == 200 and answer.context["form"].errors["username"]


def test_a_shared_team_still_named_after_the_deleted_user_is_renamed_after_a_team_mate(
        competition, alice, bob, alice_joined):
    # A team takes its first member's username as its name; once she deletes her account
    # that name is her personal data, and the board must not keep showing it.
    from competitions.models import Participation

    team = alice_joined.team
    assert team.name == "alice"
    Participation.objects.create(competition=competition, user=bob, team=team,
                                 accepted_rules_at=alice_joined.accepted_rules_at)
    scored(alice_joined, 0.75)
    delete_account(user=alice)
    assert Team.objects.get(pk=team.pk).name == "bob"
    assert [row.team_name for row in leaderboard(competition).rows] == ["bob"]
    assert Submission.objects.filter(team=team).count() == 1


def test_a_deleted_users_student_numbers_go_with_their_name(competition, alice, alice_joined):
    # A student number names the person as surely as their name does: the organizer's
    # export must not tie "deleted:N" back to a learner.
    from competitions.models import Participation

    Participation.objects.filter(pk=alice_joined.pk).update(student_number="S2026001")
    delete_account(user=alice)
    assert Participation.objects.get(pk=alice_joined.pk).student_number == ""


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_admin_index_names_each_app_once(client, make_user, language):
    import re

    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    apps = re.findall(r'<caption>\s*<a [^>]*class="section"[^>]*>([^<]+)</a>', page)
    assert apps and len(apps) == len(set(apps)), apps


def test_saving_a_time_zone_or_display_name_writes_only_that_field(client, alice):
    from django.db.models.signals import pre_save

    from accounts.models import Profile

    profile_of(alice)
    client.force_login(alice)

    def another_request_changes_the_row_meanwhile(sender, instance, **kwargs):
        Profile.objects.filter(pk=instance.pk).update(language="ja")

    pre_save.connect(another_request_changes_the_row_meanwhile, sender=Profile)
    try:
        client.post(reverse("account_time_zone"), {"time_zone": "Europe/Paris"})
        client.post(reverse("account_display_name"), {"display_name": "アリス"})
    finally:
        pre_save.disconnect(another_request_changes_the_row_meanwhile, sender=Profile)
    saved = Profile.objects.get(user=alice)
    assert (saved.time_zone, saved.display_name, saved.language) == (
        "Europe/Paris", "アリス", "ja")
