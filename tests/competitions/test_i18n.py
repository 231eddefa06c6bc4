"""Problems and pages speak the reader's language: English and Japanese."""

import pytest
from django.urls import reverse
from django.utils import translation

from competitions.models import Submission
from scoring.problems import MESSAGES, InvalidFile, Problem
from scoring.submission import parse_submission
from tests.conftest import LABELS, TEST_IDS, TRUE_LABELS, submission_csv

BAD_FILES = {
    "duplicate": submission_csv(TRUE_LABELS[:9], TEST_IDS[:9])
    + f"{TEST_IDS[0]},いぬ\n".encode(),
    "unknown label": submission_csv(["cat"] + TRUE_LABELS[1:]),
    "missing": submission_csv(TRUE_LABELS[:5], TEST_IDS[:5]),
    "header": submission_csv(TRUE_LABELS).replace(b"id,label", b"image,class"),
    "shift_jis": submission_csv(TRUE_LABELS).decode().encode("cp932"),
}


def test_every_problem_message_has_a_japanese_translation():
    with translation.override("ja"):
        untranslated = [text for text in MESSAGES.values() if translation.gettext(text) == text]
    assert untranslated == []


@pytest.mark.parametrize("name", BAD_FILES)
def test_bad_file_problems_name_their_line_in_english_and_japanese(competition, name):
    with pytest.raises(InvalidFile) as caught:
        parse_submission(BAD_FILES[name], competition.load_solution(), LABELS)
    for problem in caught.value.problems:
        english = problem.message()
        with translation.override("ja"):
            japanese = problem.message(translation.gettext)
        assert japanese != english
        if problem.line is not None:
            assert f"line {problem.line}" in english
            assert str(problem.line) in japanese


def test_failed_submission_is_shown_in_the_readers_language(
        client, competition, alice, alice_joined):
    submission = Submission.objects.create(competition=competition, team=alice_joined.team,
                                           submitted_by=alice, original_name="bad.csv")
    assert submission.claim_for_scoring()
    submission.mark_failed([Problem("unknown_label", line=7, column=2,
                                    params={"label": "cat"})])
    client.force_login(alice)
    url = reverse("submission_list", args=[competition.slug])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    japanese = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "line 7: unknown label &quot;cat&quot;." in english
    with translation.override("ja"):
        expected = translation.gettext(MESSAGES["unknown_label"]).format(line=7, label="cat")
    assert expected.replace('"', "&quot;") in japanese
    assert '<html lang="ja">' in japanese


def test_the_leaderboards_change_column_has_its_own_context_and_admin_links_say_change():
    """The bare word "Change" is Django admin's (「変更」); the leaderboard's rank change
    column (「変動」) must not take it over."""
    with translation.override("ja"):
        assert translation.gettext("Change") == "変更"
        assert translation.pgettext("rank change on the leaderboard", "Change") == "変動"


def test_the_japanese_admin_shows_change_links_as_change(client, competition, make_user):
    from competitions import policy

    organizer = make_user("olga")
    policy.make_superuser(organizer)
    client.force_login(organizer)
    page = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "変更" in page and "変動" not in page


def test_pages_and_the_admin_name_the_sites_icon(client, competition, make_user):
    from django.contrib.staticfiles import finders

    from competitions import policy

    assert finders.find("favicon.svg")
    page = client.get(reverse("competition_overview", args=[competition.slug])).content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page
    organizer = make_user("olga")
    policy.make_superuser(organizer)
    client.force_login(organizer)
    admin = client.get("/admin/").content.decode()
    assert 'rel="icon"' in admin and "favicon.svg" in admin
