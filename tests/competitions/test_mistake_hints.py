"""Each learner-mistake file of the catalogue gets its hint first, in Japanese and English,
in the dry run of the submit page and of the API. (A real worker: tests/integration/
test_catalogue_worker.py; a real browser: tests/browser/test_catalogue_browser.py.)"""

import html

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from scoring.problems import MESSAGES
from tests.conftest import upload
from tests.scoring.catalogue import ENTRIES, competitions_by_file, content

HINTED = [entry for entry in ENTRIES if entry["messages"]
          and entry["messages"][0].startswith("Hint:")]


def japanese(english: str) -> str:
    """The catalogue's English hint in Japanese, through the catalogue's own template."""
    code = next(code for code, text in MESSAGES.items() if code.startswith("hint_")
                and english.startswith(text.split("{")[0]))
    template = MESSAGES[code]
    with translation.override("ja"):
        translated = translation.gettext(template)
    if "{" not in template:
        return translated
    # Recover the parameter from the English text: the only placeholder of the template.
    before, after = template.split("{", 1)
    name, rest = after.split("}", 1)
    value = english[len(before):len(english) - len(rest)]
    return translated.format(**{name: value})


def test_the_catalogue_has_a_file_for_each_mistake():
    codes = {code for code in MESSAGES if code.startswith("hint_")}
    hinted = {next(code for code in codes if entry["messages"][0].startswith(
        MESSAGES[code].split("{")[0])) for entry in HINTED}
    assert hinted == codes


@pytest.mark.parametrize("entry", HINTED, ids=[entry["file"] for entry in HINTED])
def test_dry_run_page_shows_the_hint_first_in_both_languages(client, make_competition, alice,
                                                            entry):
    competition = competitions_by_file(make_competition, alice)[entry["file"]]
    client.force_login(alice)
    for language, hint in (("en", entry["messages"][0]),
                           ("ja", japanese(entry["messages"][0]))):
        page = client.post(reverse("submission_new", args=[competition.slug]),
                           {"file": upload(content(entry), entry["file"]), "validate": "1"},
                           HTTP_ACCEPT_LANGUAGE=language).content.decode()
        page = html.unescape(page)
        assert hint in page
        second = entry["messages"][1]
        if language == "en":
            assert page.index(hint) < page.index(second)


@pytest.mark.parametrize("entry", HINTED, ids=[entry["file"] for entry in HINTED])
def test_api_dry_run_gives_the_hint_first_in_both_languages(make_competition, alice, entry):
    competition = competitions_by_file(make_competition, alice)[entry["file"]]
    api = APIClient()
    api.force_authenticate(alice)
    for language, hint in (("en", entry["messages"][0]),
                           ("ja", japanese(entry["messages"][0]))):
        answer = api.post(f"/api/v1/competitions/{competition.slug}/validate/",
                          {"file": upload(content(entry), entry["file"])},
                          format="multipart", HTTP_ACCEPT_LANGUAGE=language).json()
        assert answer["valid"] is False
        assert answer["problems"][0]["message"] == hint
        assert answer["problems"][0]["code"].startswith("hint_")
        assert answer["problems"][0]["line"] is None
