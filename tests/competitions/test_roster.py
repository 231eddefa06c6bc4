"""A class roster: a teacher's CSV of learners becomes accounts joined to the competition,
with one-time links or initial passwords downloaded once; boards show display names and
the organizer's exports carry student numbers; a bad roster imports nothing."""

import csv
import html
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from competitions import policy
from competitions.models import Participation, Submission
from tests.conftest import scored

SURNAMES = ["山田", "佐藤", "鈴木", "高橋", "田中", "伊藤"]
GIVEN = ["太郎", "花子", "健", "さくら", "翔"]


def roster_csv(count: int = 30, *, teams: bool = False) -> bytes:
    lines = ["username,email,display_name,student_number" + (",team" if teams else "")]
    for number in range(1, count + 1):
        name = f"{SURNAMES[number % 6]} {GIVEN[number % 5]}{number}"
        team = f",{'A' if number % 2 else 'B'}班" if teams else ""
        lines.append(f"learner{number:02d},learner{number:02d}@school.example,{name},"
                     f"S2026{number:03d}{team}")
    return ("\n".join(lines) + "\n").encode()


def roster_url(competition) -> str:
    return reverse("admin:competitions_competition_roster", args=[competition.pk])


def post_roster(client, competition, content: bytes, credential: str = "password",
                language: str = "en"):
    return client.post(roster_url(competition), {
        "roster": SimpleUploadedFile("名簿.csv", content, "text/csv"),
        "credential": credential}, HTTP_ACCEPT_LANGUAGE=language)


def credentials(response) -> list[dict]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.fixture
def teacher(make_user, competition):
    teacher = make_user("teacher", is_staff=True)
    policy.make_organizer(teacher, competition)
    return teacher


def test_a_roster_of_30_learners_gives_30_accounts_joined_with_names_and_numbers(
        client, teacher, competition):
    client.force_login(teacher)
    response = post_roster(client, competition, roster_csv(30))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="roster-animals-')
    rows = credentials(response)
    assert len(rows) == 30
    joined = Participation.objects.filter(competition=competition,
                                          user__username__startswith="learner")
    assert joined.count() == 30
    assert sorted(joined.values_list("student_number", flat=True)) == [
        f"S2026{number:03d}" for number in range(1, 31)]
    learner = get_user_model().objects.get(username="learner07")
    assert learner.profile.display_name == "佐藤 健7"
    # The password is in the download only: the database keeps its hash.
    assert learner.check_password(rows[6]["initial password"])
    assert rows[6]["initial password"] not in learner.password


def test_a_learner_signs_in_with_the_initial_password(client, teacher, competition):
    client.force_login(teacher)
    password = credentials(post_roster(client, competition, roster_csv(3)))[0][
        "initial password"]
    client.logout()
    response = client.post("/accounts/login/", {"login": "learner01", "password": password})
    assert response.status_code == 302
    assert client.get(reverse("submission_new", args=[competition.slug])).status_code == 200


def link_for(client, competition, count: int = 2) -> str:
    rows = credentials(post_roster(client, competition, roster_csv(count), credential="link"))
    assert not rows[0]["initial password"]
    return rows[0]["one-time sign-in link"]


def test_a_one_time_link_signs_in_once_then_asks_for_a_password(client, teacher,
                                                                 competition):
    client.force_login(teacher)
    link = link_for(client, competition)
    assert link.startswith("http://testserver/roster/sign-in/")
    client.logout()
    first = client.post(link)
    assert first.status_code == 302 and first.url == reverse("account_set_password")
    assert client.get(reverse("submission_new", args=[competition.slug])).status_code == 200
    client.logout()
    again = client.post(link)
    assert again.status_code == 404 and "no longer works" in again.content.decode()


def test_opening_the_link_only_asks_so_a_mail_scanner_does_not_use_it_up(
        client, teacher, competition):
    client.force_login(teacher)
    link = link_for(client, competition)
    client.logout()
    for _scanner_visit in range(2):
        asked = client.get(link)
        page = asked.content.decode()
        assert asked.status_code == 200 and "learner01" in page
        assert competition.title in page and "works only once" in page
        assert "_auth_user_id" not in client.session
    assert client.post(link).status_code == 302
    assert client.session["_auth_user_id"] == str(
        get_user_model().objects.get(username="learner01").pk)
    client.logout()
    refused = client.post(link)
    assert refused.status_code == 404 and "_auth_user_id" not in client.session
    assert client.get(link).status_code == 404


def test_the_link_page_speaks_japanese_and_a_bad_link_says_it_no_longer_works(
        client, teacher, competition):
    client.force_login(teacher)
    link = link_for(client, competition)
    client.logout()
    asked = client.get(link, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "一度だけ" in asked
    wrong = link.rstrip("/").rsplit("/", 1)[0] + "/not-a-token/"
    for answer in (client.get(wrong), client.post(wrong)):
        assert answer.status_code == 404 and "no longer works" in answer.content.decode()


def test_signing_in_with_the_link_needs_the_pages_csrf_token(client, teacher, competition):
    from django.test import Client

    client.force_login(teacher)
    link = link_for(client, competition)
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(link).status_code == 403
    page = browser.get(link)
    token = page.cookies["csrftoken"].value
    assert browser.post(link, {"csrfmiddlewaretoken": token}).status_code == 302
    assert "_auth_user_id" in browser.session


def test_the_board_shows_display_names_and_the_export_has_student_numbers(
        client, teacher, competition):
    client.force_login(teacher)
    post_roster(client, competition, roster_csv(3))
    entry = Participation.objects.get(competition=competition, user__username="learner02")
    scored(entry, 0.75, 0.5, 10)
    board = client.get(reverse("leaderboard", args=[competition.slug])).content.decode()
    assert "鈴木 健2" in board and "learner02" not in board
    url = reverse("admin:competitions_competition_changelist")
    text = b"".join(client.post(url, {"action": "export_submissions",
                                      "_selected_action": [competition.pk]}
                                ).streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert [(row["submitted by"], row["student number"]) for row in rows] == [
        ("learner02", "S2026002")]
    boards = b"".join(client.post(url, {"action": "export_leaderboards",
                                        "_selected_action": [competition.pk]}
                                  ).streaming_content).decode()
    assert "S2026002" in boards


def test_teams_from_the_roster_group_learners(client, teacher, competition):
    client.force_login(teacher)
    post_roster(client, competition, roster_csv(4, teams=True))
    teams = {p.user.username: p.team.name for p in
             Participation.objects.filter(competition=competition).select_related("user",
                                                                                    "team")}
    assert teams["learner01"] == teams["learner03"] == "A班"
    assert teams["learner02"] == teams["learner04"] == "B班"


def test_bad_rows_are_refused_with_line_numbers_and_nothing_is_imported(
        client, teacher, competition, alice):
    client.force_login(teacher)
    lines = roster_csv(5).decode().splitlines()
    lines[2] = "learner02,not-an-address,佐藤 花子,S2026002"
    lines[4] = "learner04,learner04@school.example,高橋 健,S2026001"  # number of line 2
    lines[5] = ",,名無し,S2026005"
    before = get_user_model().objects.count()
    response = post_roster(client, competition, ("\n".join(lines) + "\n").encode())
    page = response.content.decode()
    assert response.status_code == 400
    assert "line 3: “not-an-address” is not an e-mail address." in page
    assert "line 5: student_number “S2026001” is also on line 2." in page
    assert "line 6: a username or an e-mail address is needed." in page
    assert "3 problems: nothing was imported." in page
    assert get_user_model().objects.count() == before
    assert not Participation.objects.filter(competition=competition).exclude(
        user=alice).exists()


def test_a_shift_jis_roster_and_unknown_columns_are_refused_in_japanese(
        client, teacher, competition):
    client.force_login(teacher)
    sjis = post_roster(client, competition, roster_csv(2).decode().encode("cp932"),
                       language="ja")
    assert sjis.status_code == 400 and "UTF-8" in sjis.content.decode()
    unknown = post_roster(client, competition, b"name,student_number\nx,1\n", language="ja")
    assert unknown.status_code == 400 and "1 行目" in unknown.content.decode()


@pytest.mark.parametrize("who", ["other organizer", "participant", "anonymous"])
def test_only_the_competitions_organizers_reach_its_roster_page(
        client, make_user, make_competition, competition, alice, who):
    if who == "other organizer":
        oscar = make_user("oscar", is_staff=True)
        policy.make_organizer(oscar, make_competition(slug="other-course"))
        client.force_login(oscar)
    elif who == "participant":
        client.force_login(alice)
    response = post_roster(client, competition, roster_csv(2))
    assert response.status_code in (302, 404)
    assert not get_user_model().objects.filter(username__startswith="learner").exists()
    assert not Submission.objects.exists()


def test_a_roster_does_not_rename_an_existing_account_that_chose_its_own_name(
        client, teacher, competition, make_user):
    # The display name is the person's, shown on every competition's board and on their
    # profile: one competition's teacher listing their username does not change it.
    from accounts.profiles import profile_of

    carol = make_user("carol")
    profile = profile_of(carol)
    profile.display_name = "Carol Chosen"
    profile.save(update_fields=["display_name"])
    client.force_login(teacher)
    content = ("username,display_name,student_number\ncarol,Teacher's Label,S1\n"
               "newcomer,新入生,S2\n").encode()
    answer = post_roster(client, competition, content)
    assert answer.status_code == 200
    carol.refresh_from_db()
    assert carol.profile.display_name == "Carol Chosen"
    # The teacher's copy says what the board will show, not the label the roster asked for.
    assert [row["display name"] for row in credentials(answer)] == ["Carol Chosen", "新入生"]
    # An account someone had already signed up with: the teacher is asked to check it.
    notes = [row["note"] for row in credentials(answer)]
    assert "check that it is this learner" in notes[0] and notes[1] == ""
    assert Participation.objects.get(user=carol, competition=competition).student_number == "S1"
    newcomer = get_user_model().objects.get(username="newcomer")
    assert newcomer.profile.display_name == "新入生"


def test_a_roster_cannot_put_a_learner_into_a_baseline_or_an_organizers_team(
        client, teacher, competition):
    from competitions.services import join_competition

    preview = join_competition(competition=competition, user=teacher).team
    assert preview.is_host_preview
    client.force_login(teacher)
    content = (f"username,email,display_name,student_number,team\n"
               f"learner01,learner01@school.example,山田 太郎,S1,{preview.name}\n").encode()
    response = post_roster(client, competition, content)
    assert response.status_code == 400
    assert (f"line 2: team “{preview.name}” is a baseline or an organizer's team, not a "
            "learners' team.") in html.unescape(response.content.decode())
    assert not get_user_model().objects.filter(username="learner01").exists()


def test_a_rosters_learners_get_e_mails_in_the_class_language_then_their_browsers(
        client, teacher, competition):
    from accounts.profiles import language_of

    client.force_login(teacher)
    rows = credentials(post_roster(client, competition, roster_csv(2), credential="link",
                                   language="ja"))
    learners = get_user_model().objects.filter(username__startswith="learner")
    assert {language_of(learner) for learner in learners} == {"ja"}
    client.logout()
    link = rows[0]["1 回限りのログインリンク"]  # the teacher's copy speaks Japanese too
    client.get(link, HTTP_ACCEPT_LANGUAGE="en")  # a look (a mail scanner) changes nothing
    assert language_of(get_user_model().objects.get(username="learner01")) == "ja"
    client.post(link, HTTP_ACCEPT_LANGUAGE="en")
    assert language_of(get_user_model().objects.get(username="learner01")) == "en"
