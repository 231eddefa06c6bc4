"""Organizers export leaderboards and submissions as CSV that a spreadsheet cannot run,
streamed as it is written."""

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from competitions.exports import ROWS_PER_CHUNK, neutralise
from competitions.models import Submission
from tests.conftest import scored

EXPORT_ROWS = 5 * ROWS_PER_CHUNK + 7


def rows(response) -> list[list[str]]:
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_formula_cells_are_neutralised_and_numbers_kept():
    assert neutralise("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert [neutralise(v) for v in ("+1", "-1", "@sum", "ok", -0.5, 3)] == [
        "'+1", "'-1", "'@sum", "ok", -0.5, 3]


def test_organizer_exports_both_boards_and_every_submission(client, olivia, competition,
                                                           alice_joined):
    alice_joined.team.name = "=cmd|' /C calc'!A0"
    alice_joined.team.save()
    submission = scored(alice_joined, 0.75, 0.5, 10)
    client.force_login(olivia)
    url = reverse("admin:competitions_competition_changelist")
    boards = rows(client.post(url, {"action": "export_leaderboards",
                                    "_selected_action": [competition.pk]}))
    assert boards[0] == ["competition", "board", "rank", "participant", "members",
                         "student numbers", "score", "entries", "best entry at (Asia/Tokyo)"]
    assert [row[:7] for row in boards[1:]] == [
        ["animals", "Public leaderboard", "1", "'=cmd|' /C calc'!A0", "alice", "", "0.75"],
        ["animals", "Private leaderboard", "1", "'=cmd|' /C calc'!A0", "alice", "", "0.5"]]
    submissions = rows(client.post(url, {"action": "export_submissions",
                                         "_selected_action": [competition.pk]}))
    assert submissions[1][:3] == ["animals", str(submission.pk), "'=cmd|' /C calc'!A0"]
    assert submissions[0][3:5] == ["members", "submitted by"]
    assert submissions[1][10:12] == ["0.75", "0.5"]


def test_participants_cannot_export(client, alice, competition):
    client.force_login(alice)
    response = client.post(reverse("admin:competitions_competition_changelist"),
                           {"action": "export_submissions", "_selected_action": [competition.pk]})
    assert response.status_code == 302 and "login" in response.url


def test_a_large_submissions_export_streams_in_pieces_read_only_as_they_are_sent(
        client, olivia, competition, alice_joined):
    Submission.objects.bulk_create(
        Submission(competition=competition, team=alice_joined.team,
                   submitted_by=alice_joined.user, original_name=f"p{number}.csv",
                   status=Submission.Status.SCORED, public_score=number / EXPORT_ROWS)
        for number in range(EXPORT_ROWS))
    client.force_login(olivia)
    with CaptureQueriesContext(connection) as answering:
        response = client.post(reverse("admin:competitions_competition_changelist"),
                               {"action": "export_submissions",
                                "_selected_action": [competition.pk]})
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    # The action answered without reading a single submission: they are read while sent.
    assert not [query for query in answering.captured_queries
                if 'FROM "competitions_submission"' in query["sql"]]
    with CaptureQueriesContext(connection) as sending:
        pieces = [piece.decode("utf-8") for piece in response.streaming_content]
    # One query for the rows (a server-side cursor fetching in chunks), none per row.
    assert len([query for query in sending.captured_queries
                if 'FROM "competitions_submission"' in query["sql"]]) == 1
    assert len(pieces) == EXPORT_ROWS // ROWS_PER_CHUNK + 1
    assert all(piece.count("\n") <= ROWS_PER_CHUNK + 1 for piece in pieces)
    exported = list(csv.reader(io.StringIO("".join(pieces)[1:])))
    assert len(exported) == EXPORT_ROWS + 1
    assert [row[6] for row in exported[1:4]] == ["p0.csv", "p1.csv", "p2.csv"]


def test_exports_speak_the_readers_language_and_the_sites_time(client, olivia, competition,
                                                               alice_joined):
    from datetime import UTC, datetime

    submission = scored(alice_joined, 0.75, 0.5, 10)
    Submission.objects.filter(pk=submission.pk).update(
        created_at=datetime(2026, 4, 1, 9, 0, tzinfo=UTC))
    client.force_login(olivia)
    url = reverse("admin:competitions_competition_changelist")
    submissions = rows(client.post(url, {"action": "export_submissions",
                                         "_selected_action": [competition.pk]},
                                   HTTP_ACCEPT_LANGUAGE="ja"))
    header = dict(zip(submissions[0], submissions[1], strict=True))
    # 09:00 UTC is 18:00 in Tokyo, the site's zone, which the header names.
    assert header["投稿日時 (Asia/Tokyo)"] == "2026-04-01 18:00:00"
    assert header["ステータス"] == "採点済み" and header["締切後"] == "いいえ"
    boards = rows(client.post(url, {"action": "export_leaderboards",
                                    "_selected_action": [competition.pk]},
                              HTTP_ACCEPT_LANGUAGE="ja"))
    assert boards[0][:4] == ["コンペティション", "リーダーボード", "順位", "参加者"]
    assert "T" not in boards[1][8] and "+00:00" not in boards[1][8]


def test_a_team_is_one_row_that_names_its_members_with_their_student_numbers(
        client, olivia, make_competition, alice, bob, make_user):
    from accounts.profiles import profile_of
    from competitions import teams
    from competitions.services import join_competition

    course = make_competition(slug="course", max_team_size=3)
    alice_in = join_competition(competition=course, user=alice)
    teams.invitation_accept(invitation=teams.invitation_create(
        participation=alice_in, username="bob"), user=bob)
    profile = profile_of(alice)
    profile.display_name = "山田 花子"
    profile.save(update_fields=["display_name"])
    alice_in.student_number = "S2026001"
    alice_in.save(update_fields=["student_number"])
    scored(alice_in, 0.75, 0.5, 10)
    solo = scored(join_competition(competition=course, user=make_user("carol")), 0.5, 0.25)
    client.force_login(olivia)
    url = reverse("admin:competitions_competition_changelist")
    exported = rows(client.post(url, {"action": "export_leaderboards",
                                      "_selected_action": [course.pk]}))
    boards = [dict(zip(exported[0], line, strict=True)) for line in exported[1:]]
    public = [entry for entry in boards if entry["board"] == "Public leaderboard"]
    assert [(entry["participant"], entry["members"], entry["student numbers"])
            for entry in public] == [("alice", "山田 花子 (alice, S2026001); bob", "S2026001"),
                                     ("carol", "carol", "")]
    submissions = rows(client.post(url, {"action": "export_submissions",
                                         "_selected_action": [course.pk]}))
    by_submitter = {line[4]: line[3] for line in submissions[1:]}
    assert by_submitter == {"alice": "山田 花子 (alice, S2026001); bob",
                            solo.submitted_by.username: "carol"}
    # A deleted account is named as deleted, not by the username it no longer has.
    from accounts.deletion import delete_account

    delete_account(user=bob)
    exported = rows(client.post(url, {"action": "export_leaderboards",
                                      "_selected_action": [course.pk]}))
    assert exported[1][4] == "山田 花子 (alice, S2026001); deleted user"
