"""The host of a community competition manages it on the site; nobody else can, and
invitation-only competitions do not exist for anyone without the invite."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from competitions.models import Competition, Submission
from competitions.services import join_competition, submission_create
from tests.conftest import perfect_csv, scored, upload


@pytest.fixture
def hosted(make_competition, alice):
    """alice's community competition, invitation only."""
    competition = make_competition(slug="bugs", title="Bugs 虫", host=alice)
    competition.set_visibility("invite")
    competition.save()
    return competition


def manage_url(competition) -> str:
    return reverse("host_manage", args=[competition.slug])


def settings_form(competition, **changes) -> dict:
    now = timezone.localtime()
    data = {"title": competition.title, "short_description": competition.short_description,
            "overview": competition.overview, "evaluation": "", "rules": "Be kind.",
            "start_at": (now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "end_at": (now + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"),
            "daily_submission_limit": 5, "total_submission_limit": "",
            "final_submission_limit": 2, "visibility": competition.visibility,
            "feedback_while_open": competition.feedback_while_open}
    return {**data, **changes}


def test_host_changes_texts_dates_limits_and_visibility(client, alice, hosted):
    client.force_login(alice)
    response = client.post(manage_url(hosted), settings_form(
        hosted, title="ダンゴムシとワラジムシ", daily_submission_limit=9, visibility="public"))
    assert response.status_code == 302
    hosted.refresh_from_db()
    assert (hosted.title, hosted.daily_submission_limit, hosted.visibility, hosted.rules) == \
        ("ダンゴムシとワラジムシ", 9, "public", "Be kind.")


def test_an_end_before_the_start_is_refused(client, alice, hosted):
    client.force_login(alice)
    now = timezone.localtime()
    response = client.post(manage_url(hosted), settings_form(
        hosted, end_at=(now - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")))
    assert response.status_code == 400
    assert "The end must come after the start." in response.content.decode()


def test_host_closes_the_competition_and_later_uploads_are_late(client, alice, bob, hosted):
    join_competition(competition=hosted, user=bob)
    client.force_login(alice)
    client.post(reverse("host_close", args=[hosted.slug]))
    hosted.refresh_from_db()
    assert hosted.phase() == Competition.Phase.CLOSED
    submission = submission_create(competition=hosted, user=bob, file=upload(perfect_csv()))
    assert submission.is_late


def test_host_sees_every_submission_with_both_scores(client, alice, bob, hosted):
    participation = join_competition(competition=hosted, user=bob)
    scored(participation, 0.75, 0.6125)
    client.force_login(alice)
    page = client.get(manage_url(hosted)).content.decode()
    assert "bob" in page and "0.75000" in page and "0.61250" in page
    assert 'data-testid="host-tab"' in page


@pytest.mark.parametrize("who", ["anonymous", "mallory", "bob, a participant", "olivia, staff"])
def test_only_the_host_reaches_the_host_pages(client, hosted, mallory, bob, olivia, who):
    join_competition(competition=hosted, user=bob)
    user = {"mallory": mallory, "bob, a participant": bob, "olivia, staff": olivia}.get(who)
    if user:
        client.force_login(user)
    title = hosted.title
    for url in (manage_url(hosted), reverse("host_close", args=[hosted.slug]),
                reverse("host_invite_code", args=[hosted.slug])):
        response = client.post(url, settings_form(hosted, title="hacked"))
        assert response.status_code == (302 if user is None else 404), url
        if user is None:
            assert "/accounts/login/" in response.url
    hosted.refresh_from_db()
    assert hosted.title == title and hosted.phase() == Competition.Phase.OPEN


def test_organizer_run_competitions_have_no_host_pages(client, olivia, competition):
    client.force_login(olivia)
    assert client.get(manage_url(competition)).status_code == 404


def test_an_invitation_only_competition_does_not_exist_without_the_invite(
        client, hosted, mallory):
    client.force_login(mallory)
    for url in (reverse("competition_overview", args=[hosted.slug]),
                reverse("competition_data", args=[hosted.slug]),
                reverse("leaderboard", args=[hosted.slug]),
                f"/api/v1/competitions/{hosted.slug}/"):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("competition_join", args=[hosted.slug]),
                       {"accept_rules": "on"}).status_code == 404
    assert hosted.title not in client.get(reverse("competition_list")).content.decode()
    assert hosted.slug not in client.get("/api/v1/competitions/").content.decode()


def test_the_invite_link_lets_a_user_join_and_then_see_it(client, hosted, mallory):
    invite = reverse("invite", args=[hosted.invite_code])
    assert "/accounts/login/" in client.get(invite).url
    client.force_login(mallory)
    page = client.get(invite).content.decode()
    assert "You are invited to this competition." in page
    response = client.post(invite, {"accept_rules": "on"})
    assert response.url == reverse("competition_data", args=[hosted.slug])
    assert client.get(reverse("competition_overview", args=[hosted.slug])).status_code == 200
    assert hosted.title in client.get(reverse("competition_list")).content.decode()


def test_an_invite_code_typed_by_hand_leads_to_the_invitation(client, hosted, mallory):
    client.force_login(mallory)
    response = client.post(reverse("invite_enter"), {"code": hosted.invite_code.lower()})
    assert response.url == reverse("invite", args=[hosted.invite_code])
    wrong = client.post(reverse("invite_enter"), {"code": "WRONGCODE234"})
    assert "No competition has this invite code." in wrong.content.decode()


def test_a_replaced_invite_code_stops_the_old_link(client, alice, hosted, mallory):
    old = reverse("invite", args=[hosted.invite_code])
    client.force_login(alice)
    client.post(reverse("host_invite_code", args=[hosted.slug]))
    hosted.refresh_from_db()
    client.force_login(mallory)
    assert client.get(old).status_code == 404
    assert client.get(reverse("invite", args=[hosted.invite_code])).status_code == 200


def test_an_invite_code_of_a_competition_made_public_no_longer_works(client, hosted, mallory):
    code = hosted.invite_code
    hosted.set_visibility("public")
    hosted.save()
    client.force_login(mallory)
    assert client.get(reverse("invite", args=[code])).status_code == 404


def test_an_unlisted_competition_is_reached_by_its_address_only(client, hosted, mallory):
    hosted.set_visibility("link")
    hosted.save()
    client.force_login(mallory)
    assert hosted.title not in client.get(reverse("competition_list")).content.decode()
    assert client.get(reverse("competition_overview", args=[hosted.slug])).status_code == 200
    client.post(reverse("competition_join", args=[hosted.slug]), {"accept_rules": "on"})
    assert hosted.participations.filter(user=mallory).exists()


def test_the_host_sees_their_own_invitation_only_competition_listed(client, alice, hosted):
    client.force_login(alice)
    assert hosted.title in client.get(reverse("competition_list")).content.decode()
    page = client.get(reverse("host_index")).content.decode()
    assert hosted.title in page and reverse("host_manage", args=[hosted.slug]) in page


def test_the_host_tab_is_only_for_the_host(client, hosted, bob):
    join_competition(competition=hosted, user=bob)
    client.force_login(bob)
    page = client.get(reverse("competition_overview", args=[hosted.slug])).content.decode()
    assert 'data-testid="host-tab"' not in page
    assert not Submission.objects.exists()


def test_the_host_cannot_lower_the_final_limit_below_the_finals_already_marked(
        client, alice, bob, hosted):
    from competitions.finals import final_mark

    participation = join_competition(competition=hosted, user=bob)
    for minutes_ago in (20, 10):
        final_mark(submission=scored(participation, 0.5, 0.5, minutes_ago=minutes_ago),
                   user=bob, final=True)
    client.force_login(alice)
    response = client.post(manage_url(hosted), settings_form(hosted, final_submission_limit=1))
    assert response.status_code == 400
    assert "has already marked 2 final submissions" in response.content.decode()
    hosted.refresh_from_db()
    assert hosted.final_submission_limit == 2


def ended(competition) -> Competition:
    competition.close(at=timezone.now() - timedelta(days=1, seconds=17))
    competition.refresh_from_db()
    return competition


def test_the_end_cannot_move_once_the_competition_has_ended(client, alice, hosted):
    ended(hosted)
    before = hosted.end_at
    client.force_login(alice)
    response = client.post(manage_url(hosted), settings_form(hosted))  # ends in ten days
    assert response.status_code == 400
    assert "its end can no longer change" in response.content.decode()
    hosted.refresh_from_db()
    assert hosted.end_at == before and hosted.phase() == Competition.Phase.CLOSED


def test_an_ended_competitions_texts_can_still_change_with_its_end_as_shown(client, alice,
                                                                            hosted):
    ended(hosted)
    before = hosted.end_at
    shown = timezone.localtime(before).strftime("%Y-%m-%dT%H:%M")  # seconds dropped
    start = timezone.localtime(hosted.start_at).strftime("%Y-%m-%dT%H:%M")
    client.force_login(alice)
    response = client.post(manage_url(hosted), settings_form(
        hosted, title="Bugs, the results", start_at=start, end_at=shown))
    assert response.status_code == 302
    hosted.refresh_from_db()
    assert (hosted.title, hosted.end_at) == ("Bugs, the results", before)


def test_host_chooses_the_feedback_level_warned_that_full_shows_public_labels(
        client, alice, hosted):
    client.force_login(alice)
    page = client.get(manage_url(hosted), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'name="feedback_while_open"' in page
    assert "shows the true labels of the Public test images that appear as examples" in page
    response = client.post(manage_url(hosted), settings_form(hosted,
                                                             feedback_while_open="full"))
    assert response.status_code == 302
    hosted.refresh_from_db()
    assert hosted.feedback_while_open == "full"
    assert hosted.feedback_level() == "full"


def test_the_feedback_warning_is_in_japanese_too(client, alice, hosted):
    from django.utils import translation

    from competitions.forms import FULL_FEEDBACK_WARNING

    client.force_login(alice)
    page = client.get(manage_url(hosted), HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    with translation.override("ja"):
        warning = str(FULL_FEEDBACK_WARNING)
    with translation.override("en"):
        assert warning != str(FULL_FEEDBACK_WARNING)
    assert "Public" in warning and warning in page
