"""Organizers export leaderboards and submissions as CSV that a spreadsheet cannot run."""

import csv
import io

from django.urls import reverse

from competitions.exports import neutralise
from tests.competitions.test_score_history import scored


def rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
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
    assert boards[0] == ["competition", "board", "rank", "participant", "score", "entries",
                         "best_entry_at"]
    assert [row[:5] for row in boards[1:]] == [
        ["animals", "public", "1", "'=cmd|' /C calc'!A0", "0.75"],
        ["animals", "private", "1", "'=cmd|' /C calc'!A0", "0.5"]]
    submissions = rows(client.post(url, {"action": "export_submissions",
                                         "_selected_action": [competition.pk]}))
    assert submissions[1][:3] == ["animals", str(submission.pk), "'=cmd|' /C calc'!A0"]
    assert submissions[1][8:10] == ["0.75", "0.5"]


def test_participants_cannot_export(client, alice, competition):
    client.force_login(alice)
    response = client.post(reverse("admin:competitions_competition_changelist"),
                           {"action": "export_submissions", "_selected_action": [competition.pk]})
    assert response.status_code == 302 and "login" in response.url
